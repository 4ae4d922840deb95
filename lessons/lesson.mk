# Shared by every lesson: a lesson's Makefile sets LESSON and includes this file.
#   make            build the lesson (and the library) and run it here, writing its pictures here
#   make check      the quick self-check that `make test` runs
#   make build      only build
#   make exercise   build this lesson's exercise against your exercise/exercise.cpp and check it
#   make hint       the exercise's hint, one level more each time (LEVEL=1..3: that level)
#   make watch      check the exercise again each time exercise/exercise.cpp is saved
#   make reset      the untouched exercise back (yours is kept beside it)
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
# Every core builds the library at once unless make was given -j (as the top-level Makefile).
ifeq ($(MAKELEVEL)$(filter -j%,$(MAKEFLAGS)),0)
  MAKEFLAGS += -j$(shell getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
endif
BIN  := $(ROOT)/$(if $(filter 1,$(DEBUG)),build/debug,build)/lessons/$(LESSON)

.PHONY: run check build exercise hint watch reset data
# A lesson that sets NEEDS_DATA := 1 (the pictures' lessons) first makes sure Fashion-MNIST is
# there (`make data` installs it when it can and names it otherwise).
ifeq ($(NEEDS_DATA),1)
run check: data
endif
data:
	@$(MAKE) --no-print-directory -C $(ROOT) data
run: build
	@$(BIN) $(ARGS)
check: build
	@$(BIN) --check
build:
	@$(MAKE) --no-print-directory -C $(ROOT) $(BIN:$(ROOT)/%=%)
exercise hint watch reset:
	@$(MAKE) --no-print-directory -C $(ROOT) $@ N=$(firstword $(subst _, ,$(LESSON))) $(if $(LEVEL),LEVEL=$(LEVEL))
