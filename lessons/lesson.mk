# Shared by every lesson: a lesson's Makefile sets LESSON and includes this file.
#   make            build the lesson (and the library) and run it here, writing its pictures here
#   make check      the quick self-check that `make test` runs
#   make build      only build
#   make exercise   build this lesson's exercise against your exercise/exercise.cpp and check it
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
BIN  := $(ROOT)/$(if $(filter 1,$(DEBUG)),build/debug,build)/lessons/$(LESSON)

.PHONY: run check build exercise
run: build
	@$(BIN) $(ARGS)
check: build
	@$(BIN) --check
build:
	@$(MAKE) --no-print-directory -C $(ROOT) $(BIN:$(ROOT)/%=%)
exercise:
	@$(MAKE) --no-print-directory -C $(ROOT) exercise N=$(firstword $(subst _, ,$(LESSON)))
