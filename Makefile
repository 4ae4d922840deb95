# ddpm-from-scratch: one Makefile for the library, the lessons, the tools and the tests.
#
#   make                 build the library, every lesson and every tool into build/
#   make demo            the main job: the notebook's 4000-epoch training, pictures and GIF into
#                        out/ (FULL=1: also its sampling every 100 epochs; EPOCHS=N: shorter)
#   make test            the doctest suite, then each lesson's quick self-check
#                        (make test-build: all it runs, built only; CI refuses its warnings)
#   make bench           speed figures (never asserted by the tests)
#   make experiments     lesson 10's sweep, written to docs/experiments.md (FULL=1: notebook budget)
#   make -C lessons/01_beta_schedule    build and run one lesson in its own folder
#   make exercises       every exercise checked; make exercise N=04, make hint N=04, make watch N=04,
#                        make reset N=04; make grade (for instructors: docs/exercises.md)
#
#   make web             the browser page, build/web/index.html (emscripten; docs/web.md);
#                        make bench-web: its speed against the native build's
#   make site            the course as a website, build/site/index.html (pandoc; both languages)
#   make fuzz            the fuzz targets (clang's libFuzzer), FUZZ_SECONDS each (default 20)
#
#   -j1                  one file at a time (default: every core builds at once)
#   DEBUG=1              -O0 -g with AddressSanitizer and UBSan (built into build/debug/)
#   SANITIZE=1           -O1 with AddressSanitizer and UBSan (build/sanitize/); CI runs
#                        `make test SANITIZE=1` too
#   NATIVE=0             a portable build (default: this machine's processor, -march=native or
#                        -mcpu=native, whichever the compiler takes)
#   CXX=clang++          another compiler (CI tests GCC, clang, and an ARM64 cross build under qemu)
#   B=build/clang        another build folder
#   DOCTEST_INC=DIR      folder holding doctest/doctest.h        (default /usr/include)
#   STB_INC=DIR          folder holding stb/stb_image_write.h    (default /usr/include)
#   ZLIB_INC=DIR         folder holding zlib.h (gzip, for the data sets' files; default /usr/include)

DOCTEST_INC ?= /usr/include
STB_INC     ?= /usr/include
ZLIB_INC    ?= /usr/include

# Every core builds at once unless make was given -j (-j1: one file at a time): a fresh clone's
# make test compiles some 150 files. Set here, at the top level only; the makes started from a
# recipe share its jobs.
ifeq ($(MAKELEVEL)$(filter -j%,$(MAKEFLAGS)),0)
  MAKEFLAGS += -j$(shell getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
endif

# A sanitizer's instrumentation keeps clang's vectorizer from the loops marked `omp simd`, and clang
# warns that it could not vectorize them; in a sanitized build that is expected, so it stays quiet.
# GCC 12 there warns that libstdc++'s own <regex> code "may use" an uninitialized std::function
# (tests/test_docs.cpp and test_layout.cpp include it): a false alarm of its instrumented build,
# quiet too. The unsanitized builds keep both warnings.
SAN_QUIET = $(if $(findstring clang,$(shell $(CXX) --version 2>/dev/null)),-Wno-pass-failed,-Wno-maybe-uninitialized)
ifeq ($(DEBUG),1)
  B   := build/debug
  OPT := -O0 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all $(SAN_QUIET)
else ifeq ($(SANITIZE),1)
  B   := build/sanitize
  OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all $(SAN_QUIET)
else
  B   := build
  OPT := -O2
endif

# NATIVE=1 (the default) compiles for this machine's processor (AVX2, AVX-512, NEON's extras where
# it has them), which trains markedly faster (make bench). The flag's spelling depends on the
# compiler and processor: -march=native (GCC, clang on x86), -mcpu=native (where that is the
# spelling, as for clang on some ARM machines), nothing when the compiler takes neither (a cross
# compiler). NATIVE=0 builds binaries that run on any processor of the architecture.
NATIVE ?= 1
ifeq ($(NATIVE),1)
  NATIVE_FLAG := $(shell for f in -march=native -mcpu=native; do \
                   echo 'int main() { return 0; }' | $(CXX) $$f -x c++ -o /dev/null - \
                   >/dev/null 2>&1 && { echo $$f; break; }; done)
  OPT += $(NATIVE_FLAG)
endif

# -isystem on /usr/include would reorder the compiler's own headers, so /usr/include is added
# after them instead (-idirafter): a cross compiler, which does not look there, then finds the
# header-only packages too, and a native one ignores the duplicate.
inc = $(if $(filter /usr/include /usr/include/,$(1)),-idirafter $(1),-isystem $(1))
CXXFLAGS ?=
CXXFLAGS += -std=c++17 $(OPT) -fopenmp-simd -Wall -Wextra -MMD -MP -Ilib \
            $(foreach d,$(sort $(DOCTEST_INC) $(STB_INC)),$(call inc,$(d)))
LDFLAGS  += $(OPT)
LDLIBS   += -lpthread -lz

LIB_SRC   := $(sort $(wildcard lib/*/*.cpp))
LIB_OBJ   := $(LIB_SRC:%.cpp=$(B)/obj/%.o)
LIB       := $(B)/libddpm.a
LESSONS   := $(sort $(notdir $(wildcard lessons/[0-9][0-9]_*)))
LESSON_BIN:= $(LESSONS:%=$(B)/lessons/%)
CLI_OBJ   := $(B)/obj/tools/cli.o
# Each tool is one file in tools/, except ddpm, whose commands are one a file in tools/ddpm/.
ONE_FILE  := $(patsubst tools/%.cpp,$(B)/%,$(filter-out tools/cli.cpp,$(wildcard tools/*.cpp)))
DDPM_OBJ  := $(patsubst %.cpp,$(B)/obj/%.o,$(sort $(wildcard tools/ddpm/*.cpp)))
TOOL_BIN  := $(ONE_FILE) $(B)/ddpm
TEST_SRC  := $(sort $(wildcard tests/*.cpp))
TEST_BIN  := $(B)/tests/run_tests

# The third-party headers, from packages (never copied into the repo).
HEADERS := $(DOCTEST_INC)/doctest/doctest.h $(STB_INC)/stb/stb_image_write.h \
           $(STB_INC)/stb/stb_truetype.h $(STB_INC)/stb/stb_image.h $(ZLIB_INC)/zlib.h
# The figures' font (render/font.h): DejaVu Sans from the system, or DDPM_FONT; and xmllint, with
# which the tests check the SVG files.
FONT_FILES := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/TTF/DejaVuSans.ttf \
              /usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf /usr/share/fonts/dejavu/DejaVuSans.ttf \
              /Library/Fonts/DejaVuSans.ttf $(HOME)/Library/Fonts/DejaVuSans.ttf
FONT     := $(or $(DDPM_FONT),$(firstword $(wildcard $(FONT_FILES))))
MISSING  = $(strip $(foreach h,$(HEADERS),$(if $(wildcard $(h)),,$(h))) \
             $(if $(FONT),,DejaVuSans.ttf) $(if $(shell command -v xmllint),,xmllint))
DEPS     = $(if $(MISSING),deps)

# Keep object files (make would delete intermediates of pattern rules and rebuild them).
.SECONDARY:

.PHONY: all lib lessons tools tests test test-build demo bench deps data data-if-possible clean format format-check fuzz \
        exercise exercises hint grade reset watch pristine-ids experiments web web-deps bench-web \
        site site-deps
all: lib lessons tools tests

lib: $(LIB)
lessons: $(LESSON_BIN)
tools: $(TOOL_BIN)
tests: $(TEST_BIN)

deps:
	@sh tools/install-deps.sh $(MISSING)

# Objects depend on the flags they were built with: changing NATIVE= or CXXFLAGS= rebuilds them.
# When they change, make says so, and which NATIVE flag it chose.
FLAGS_FILE := $(B)/flags.txt
FLAGS_NEW  := $(shell mkdir -p $(B); echo '$(CXX) $(CXXFLAGS)' | cmp -s - $(FLAGS_FILE) || \
                { echo '$(CXX) $(CXXFLAGS)' > $(FLAGS_FILE); echo new; })
ifneq ($(FLAGS_NEW),)
  $(info building into $(B)/ with $(CXX)$(if $(filter 1,$(NATIVE)),; NATIVE=1: $(or $(NATIVE_FLAG),no native flag ($(CXX) takes neither -march=native nor -mcpu=native)),))
endif

$(B)/obj/%.o: %.cpp $(FLAGS_FILE) Makefile | $(DEPS)
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -c $< -o $@

# The hot numeric files are built at -O3, so the compiler unrolls the products' fixed-size loops
# and vectorises the element-wise loops (Adam, ReLU, EMA, clipping): at -O2 GCC vectorises only
# loops it can prove need no remainder. -fno-math-errno lets sqrt be one vector instruction (with
# errno to set, it cannot); it changes no result, and nothing here reads errno. (make bench
# measures what they buy: docs/architecture.md.)
HOT := $(B)/obj/lib/fast/gemm.o $(B)/obj/lib/fast/linear.o $(B)/obj/lib/fast/norm.o \
       $(B)/obj/lib/fast/optim.o $(B)/obj/lib/fast/reduce.o $(B)/obj/lib/nn/layers.o \
       $(B)/obj/lib/nn/optim.o $(B)/obj/tools/bench.o
$(HOT): CXXFLAGS += $(if $(filter 1,$(DEBUG)),,-O3 -fno-math-errno)

# A portable x86-64 build (NATIVE=0) carries the products twice: lib/fast/gemm.cpp as built for
# any x86-64 (SSE2), and the same file compiled for AVX into namespace avx, which
# fast/gemm_dispatch.cpp calls on a processor that has it (most since 2011; some Pentium, Celeron
# and Atom models do not). Without FMA: a multiply and an add, rounded apart, as the SSE2 code
# does, so both sets give the same bits. A portable binary then trains about twice as fast there
# (make bench). Like the hot files, it is built at -O3 unless DEBUG=1.
ifneq ($(NATIVE),1)
  ifneq ($(findstring x86_64,$(shell $(CXX) -dumpmachine 2>/dev/null)),)
    GEMM_AVX := $(B)/obj/lib/fast/gemm_avx.o
  endif
endif
LIB_OBJ += $(GEMM_AVX)
$(B)/obj/lib/fast/gemm_dispatch.o: CXXFLAGS += $(if $(GEMM_AVX),-DDDPM_GEMM_AVX)
$(B)/obj/lib/fast/gemm_avx.o: lib/fast/gemm.cpp $(FLAGS_FILE) Makefile | $(DEPS)
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) $(if $(filter 1,$(DEBUG)),,-O3 -fno-math-errno) -mavx -DDDPM_GEMM_ISA=avx -c $< -o $@

# make bench's peers for the 128-wide product (tools/bench.cpp's peer_products): libxsmm, a static
# library in Debian's libxsmm-dev, is linked into the x86-64 bench when it is installed. Whether
# it was is kept in $(B)/peers.txt, so that installing it later rebuilds the bench with it.
# (oneDNN needs nothing here: the bench loads it when it runs.)
ifneq ($(findstring x86_64,$(shell $(CXX) -dumpmachine 2>/dev/null)),)
  XSMM := $(wildcard /usr/lib/libxsmm.a /usr/lib/libxsmmnoblas.a)
endif
# Both archives (the second stands in for a BLAS), or none.
XSMM := $(if $(word 2,$(XSMM)),$(XSMM))
PEERS_FILE := $(B)/peers.txt
PEERS_NEW  := $(shell mkdir -p $(B); echo '$(XSMM)' | cmp -s - $(PEERS_FILE) || \
                echo '$(XSMM)' > $(PEERS_FILE))
$(B)/obj/tools/bench.o: $(PEERS_FILE)
$(B)/obj/tools/bench.o: CXXFLAGS += $(if $(XSMM),-DDDPM_BENCH_LIBXSMM)
$(B)/bench: LDLIBS += $(XSMM)

# Made afresh each time: ar only adds and replaces members, so an object whose source was moved
# or removed would stay in the archive and clash with its successor.
$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/lessons/%: $(B)/obj/lessons/%/main.o $(LIB)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(ONE_FILE): $(B)/%: $(B)/obj/tools/%.o $(CLI_OBJ) $(LIB)
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(B)/ddpm: $(DDPM_OBJ) $(CLI_OBJ) $(LIB)
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(TEST_BIN): $(TEST_SRC:%.cpp=$(B)/obj/%.o) $(LIB)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

# Exercises (docs/exercises.md): lessons/NN_name/exercise/ holds exercise.cpp (the learner's, with
# TODOs), check.cpp and hints/1.md ... 3.md; lessons/solutions/NN_name.cpp is the solution. Each
# check program is built three times: against the learner's exercise (make exercise, make
# exercises), against the untouched one, from lessons/pristine-exercises.txt (make test asserts it
# fails, whatever the learner has done), and against the solution (make test asserts it passes).
EXERCISES := $(sort $(patsubst lessons/%/exercise/check.cpp,%,$(wildcard lessons/*/exercise/check.cpp)))
EX_TOOL    = sh tools/exercises.sh
EX_NAME    = $(firstword $(filter $(N)_%,$(EXERCISES)))
need_n     = @[ -n "$(EX_NAME)" ] || { echo "no exercise N=$(N); there are: $(EXERCISES)"; exit 2; }

$(B)/obj/exercises/%/check.o: lessons/%/exercise/check.cpp $(FLAGS_FILE) | $(DEPS)
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -Ilessons -DEXERCISE_NAME='"$*"' -Ilessons/$*/exercise -c $< -o $@
$(B)/obj/exercises/%/exercise.o: lessons/%/exercise/exercise.cpp $(FLAGS_FILE) | $(DEPS)
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -Ilessons/$*/exercise -Wno-unused-parameter -c $< -o $@
$(B)/pristine/%/exercise.cpp: lessons/%/exercise/exercise.cpp lessons/pristine-exercises.txt
	@$(EX_TOOL) pristine $* $@
$(B)/obj/exercises/%/pristine.o: $(B)/pristine/%/exercise.cpp $(FLAGS_FILE) | $(DEPS)
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -Ilessons/$*/exercise -Wno-unused-parameter -c $< -o $@
$(B)/obj/exercises/%/solution.o: lessons/solutions/%.cpp $(FLAGS_FILE) | $(DEPS)
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -Ilessons/$*/exercise -c $< -o $@
$(B)/exercises/%: $(B)/obj/exercises/%/check.o $(B)/obj/exercises/%/exercise.o $(LIB)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@
$(B)/exercises/%.pristine: $(B)/obj/exercises/%/check.o $(B)/obj/exercises/%/pristine.o $(LIB)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@
$(B)/exercises/%.solution: $(B)/obj/exercises/%/check.o $(B)/obj/exercises/%/solution.o $(LIB)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

# make exercise N=04: one exercise, from the top. make hint N=04: its hint, one level more each
# time (LEVEL=1..3 to see one again).
exercise:
	$(need_n)
	@$(MAKE) --no-print-directory -s $(B)/exercises/$(EX_NAME) && $(B)/exercises/$(EX_NAME)
hint:
	$(need_n)
	@$(EX_TOOL) hint $(B) $(EX_NAME) $(LEVEL)

# make exercises: every exercise checked on its own; which are solved, and which to do next.
exercises: $(EXERCISES:%=$(B)/exercises/%)
	@$(EX_TOOL) status $(B) $(EXERCISES)

# For instructors (docs/exercises.md): make grade (a table and build/grade.json), make reset
# N=05 (the untouched exercise back, the learner's kept beside it), make watch N=05 (re-checks
# the exercise whenever its file is saved), make pristine-ids (after changing an exercise).
grade: $(EXERCISES:%=$(B)/exercises/%)
	@$(EX_TOOL) grade $(B) $(EXERCISES)
reset:
	$(need_n)
	@$(EX_TOOL) reset $(EX_NAME)
watch:
	$(need_n)
	@$(EX_TOOL) watch $(B) $(EX_NAME)
pristine-ids:
	@$(EX_TOOL) ids

# Everything make test runs, built and not run: CI builds it first and refuses any warning.
test-build: $(TEST_BIN) $(LESSON_BIN) $(TOOL_BIN) $(EXERCISES:%=$(B)/exercises/%.pristine) \
            $(EXERCISES:%=$(B)/exercises/%.solution)

# The README's test command: unit tests, then every lesson's quick self-check, then one
# closing line "N passed, N failed". The script builds the page and the site with make: `+`
# shares this make's jobs with it.
test: test-build data-if-possible
	+@EXERCISES="$(EXERCISES)" WEB_TEST=$(if $(filter build,$(B)),1,0) \
	  SANITIZED=$(if $(filter 1,$(SANITIZE) $(DEBUG)),1,0) sh tests/run_all.sh $(B) $(LESSONS)

# The pictures' data (lessons 15 and 16): Debian's dataset-fashion-mnist, installed when make can
# (as root), named otherwise. `make test` tries, and runs the picture tests when the data is there
# (it says "skipped" otherwise); the lessons that need it stop at `data` with the package's name.
FASHION_MNIST := $(or $(DDPM_FASHION_MNIST),/usr/share/datasets/fashion-mnist)
# After deps: two apt-get runs at once would stop at each other's lock.
data: | $(DEPS)
	@[ -f $(FASHION_MNIST)/train-images-idx3-ubyte.gz ] || sh tools/install-deps.sh dataset-fashion-mnist
data-if-possible: | $(DEPS)
	@[ -f $(FASHION_MNIST)/train-images-idx3-ubyte.gz ] || sh tools/install-deps.sh dataset-fashion-mnist || true

# The README's main job.
demo: $(LESSON_BIN) $(TOOL_BIN)
	@EPOCHS=$(EPOCHS) FULL=$(FULL) sh tools/demo.sh $(B)

# Lesson 10's sweep: the table in docs/experiments.md (FULL=1: at the notebook's budget).
experiments: $(B)/lessons/10_experiments
	@cd lessons/10_experiments && FULL=$(FULL) $(CURDIR)/$(B)/lessons/10_experiments

# And the portable build's steps beside this one's: bench built with NATIVE=0 into build/portable.
bench: $(TOOL_BIN)
	@$(MAKE) --no-print-directory NATIVE=0 B=build/portable build/portable/bench
	$(B)/bench build/portable/bench

# The browser page (docs/web.md): lib and its C API (tools/web/api.cpp) compiled to WebAssembly
# with SIMD by Debian's emscripten, then one HTML file, build/web/index.html, that holds the page,
# its Web Worker and the wasm, so it opens from a static server or straight from the file.
# build/wasm/ddpm.js is the same module for Node (make bench-web). This image's Node.js does not
# look in Debian's module folder, which emcc needs: WEB_ENV says where it is.
WEB_CXX   ?= em++
WEB_ENV   := NODE_PATH=/usr/share/nodejs
WEB_FLAGS := -std=c++17 -O3 -msimd128 -fwasm-exceptions -fopenmp-simd -Wall -Wextra -Ilib -MMD -MP
WEB_SRC   := $(sort $(filter-out lib/io/% lib/render/%,$(wildcard lib/*/*.cpp)) lib/io/memory.cpp) tools/web/api.cpp
WEB_OBJ   := $(WEB_SRC:%.cpp=build/wasm/obj/%.o)
WEB_LINK  := -sMODULARIZE=1 -sEXPORT_NAME=createDdpm -sALLOW_MEMORY_GROWTH=1 -sSINGLE_FILE=1 \
             -sENVIRONMENT=web,worker,node -sFILESYSTEM=0 -sEXPORTED_FUNCTIONS=_malloc,_free \
             -sEXPORTED_RUNTIME_METHODS=ccall,cwrap
WEB_PAGE  := $(wildcard tools/web/*.html tools/web/*.css tools/web/*.js)

build/wasm/obj/%.o: %.cpp Makefile | web-deps
	@mkdir -p $(@D)
	$(WEB_ENV) $(WEB_CXX) $(WEB_FLAGS) -c $< -o $@
build/wasm/ddpm.js: $(WEB_OBJ)
	$(WEB_ENV) $(WEB_CXX) -O3 -msimd128 -fwasm-exceptions $^ $(WEB_LINK) -o $@
build/web/index.html: build/wasm/ddpm.js $(WEB_PAGE) tools/web/build-page.py
	python3 tools/web/build-page.py tools/web/index.html build/wasm/ddpm.js $@
web: build/web/index.html
	@echo "the page: build/web/index.html (open it, or serve it: python3 -m http.server -d build/web)"
web-deps:
	@command -v $(WEB_CXX) >/dev/null || sh tools/install-deps.sh emscripten

# The page's speed against the native build's, in one run: the same training in headless Chromium
# on the wasm the page embeds, in Node when it is there, and by the native tools (docs/web.md).
bench-web: build/wasm/ddpm.js $(B)/ddpm
	@command -v chromium >/dev/null || sh tools/install-deps.sh chromium
	@python3 tools/web/bench-web.py $(B)

# The course as a website (docs/architecture.md, "The site"): build/site/, both languages, from
# the Markdown the repo keeps, by Debian's pandoc (installed when make can, as root; named
# otherwise), with the browser page inside. It opens from the file or from a static server.
# It is built whole each time (a few seconds): its code pages show lib's files as they are now.
site: build/web/index.html | site-deps
	python3 tools/site/build-site.py . build/site build/web/index.html
	@echo "the site: build/site/index.html (open it, or serve it: python3 -m http.server -d build/site)"
site-deps:
	@command -v pandoc >/dev/null || sh tools/install-deps.sh pandoc

# Fuzzing: clang's libFuzzer on the five readers of outside files. Each target runs for
# FUZZ_SECONDS, starting from the corpus in tests/corpus/ (new inputs go to build/fuzz/corpus/).
FUZZ_SECONDS ?= 20
FUZZ_CXX     ?= clang++
FUZZ_FLAGS   := -std=c++17 -O1 -g -fopenmp-simd -Wall -Wextra -fsanitize=fuzzer-no-link,address,undefined \
                -fno-sanitize-recover=all -Wno-pass-failed -Ilib -MMD -MP
FUZZ_TARGETS := npy csv checkpoint safetensors idx
FUZZ_OBJ     := $(LIB_SRC:%.cpp=build/fuzz/obj/%.o)

build/fuzz/obj/%.o: %.cpp | $(DEPS)
	@mkdir -p $(@D)
	$(FUZZ_CXX) $(FUZZ_FLAGS) -c $< -o $@

build/fuzz/fuzz_%: tests/fuzz/fuzz_reader.cpp $(FUZZ_OBJ)
	$(FUZZ_CXX) $(FUZZ_FLAGS) -fsanitize=fuzzer -DFUZZ_$(shell echo $* | tr a-z A-Z) $^ -lz -o $@

fuzz:
	@command -v $(FUZZ_CXX) >/dev/null || { echo "make fuzz needs clang++ (Debian: apt-get install clang libclang-rt-dev)"; exit 1; }
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
	@for t in $(FUZZ_TARGETS); do \
	    echo "== fuzz_$$t ($(FUZZ_SECONDS) s)"; \
	    mkdir -p build/fuzz/corpus/$$t; \
	    if ! build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	         build/fuzz/corpus/$$t tests/corpus/$$t > build/fuzz/$$t.log 2>&1; then \
	        grep -E 'ERROR|SUMMARY|runtime error' build/fuzz/$$t.log | head -n 5; \
	        echo "fuzz_$$t found a bug: see build/fuzz/$$t.log (the input is saved as crash-*)"; exit 1; \
	    fi; \
	    grep -E '^Done' build/fuzz/$$t.log; \
	done

format:
	clang-format -i $(shell git ls-files '*.cpp' '*.h')
format-check:
	clang-format --dry-run --Werror $(shell git ls-files '*.cpp' '*.h')

clean:
	rm -rf build

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
# The fuzz targets' and the page's objects follow their headers too (a changed class layout must
# rebuild them).
-include $(shell find build/fuzz/obj build/wasm/obj -name '*.d' 2>/dev/null)
