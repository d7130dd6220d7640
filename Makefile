# precedent: see README.md. `make run` and `make test` are the two set-up commands.
GO      ?= go
BIN     := bin/precedent
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS := -X main.version=$(VERSION)
SHARED  ?= ../shared
CORPUS  ?= $(SHARED)/corpus/imr
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BENCHTIME ?= 2s
DEMO    ?= demo.bleve
ADDR    ?= 127.0.0.1:8080
SYNTH_N ?= 1000
FUZZTIME  ?= 15s

.PHONY: all build run test vet deps bench bench-scale synth eval fuzz golden fixtures clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/precedent

# deps installs what tests need beyond Go modules: poppler-utils (pdftotext is
# the oracle the PDF extractor is measured against) and chromium (the browser
# test of web/ drives it; CHROME_PATH names another Chrome). Tests skip with a
# message when they cannot be installed.
deps:
	@$(GO) mod download
	@command -v pdftotext >/dev/null 2>&1 || { \
		echo "installing poppler-utils (pdftotext) for the PDF agreement tests"; \
		($(SUDO) apt-get install -y -qq poppler-utils >/dev/null 2>&1 || \
		 ($(SUDO) apt-get update -qq >/dev/null 2>&1 && $(SUDO) apt-get install -y -qq poppler-utils >/dev/null 2>&1)) || \
		echo "warning: could not install poppler-utils; pdftotext comparisons will be skipped"; }
	@[ -n "$$CHROME_PATH" ] || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	 command -v google-chrome >/dev/null 2>&1 || { \
		echo "installing chromium for the browser test (web/browser_test.go)"; \
		($(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null 2>&1 || \
		 ($(SUDO) apt-get update -qq >/dev/null 2>&1 && \
		  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null 2>&1)) || \
		echo "warning: could not install chromium; the browser test will be skipped"; }

# run builds the tool, extracts the bundled letters, rebuilds the demo index
# from them (it is derived data: a new index version must not stop the demo),
# searches it, then serves it on $(ADDR) until Ctrl-C (the URL is printed).
run: build
	@mkdir -p out
	./$(BIN) extract --format jsonl --no-text fixtures/letters/*.txt fixtures/letters/*.pdf > out/cases.jsonl; \
	  status=$$?; echo "wrote out/cases.jsonl ($$(wc -l < out/cases.jsonl) case records)"; [ $$status = 0 ] || exit $$status
	rm -rf $(DEMO)
	./$(BIN) ingest --index $(DEMO) --failures out/failures.jsonl fixtures/letters
	@echo '$$ precedent search --index $(DEMO) --finding faber:positive --procedure si_joint_injection'
	@./$(BIN) search --index $(DEMO) --finding faber:positive --procedure si_joint_injection --limit 3
	@echo '$$ precedent serve --index $(DEMO) --addr $(ADDR)'
	./$(BIN) serve --index $(DEMO) --addr $(ADDR)

vet:
	$(GO) vet ./...
	@bad=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$bad" ]; then echo "gofmt needed:"; echo "$$bad"; exit 1; fi

test: deps vet
	$(GO) test -race -count=1 ./...

bench: deps
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=$(BENCHTIME) ./...

# bench-scale measures search latency (p50/p95, per query too) over indexes
# of 10,000 and 100,000 synthetic cases (internal/synth), one core; it is not
# part of `make test`. The indexes are built once (several minutes for
# 100,000) and kept in $(BENCH_CACHE), one folder per size and mapping
# version; remove it to rebuild them.
BENCH_CACHE ?= $(CURDIR)/out/bench-index
bench-scale:
	PRECEDENT_BENCH_CACHE=$(BENCH_CACHE) PRECEDENT_BENCH_N=10000 $(GO) test -run='^$$' -bench='^BenchmarkSearch$$' -benchtime=600x -cpu=1 -timeout=60m ./index
	PRECEDENT_BENCH_CACHE=$(BENCH_CACHE) PRECEDENT_BENCH_N=100000 $(GO) test -run='^$$' -bench='^BenchmarkSearch$$' -benchtime=600x -cpu=1 -timeout=60m ./index

# synth writes $(SYNTH_N) synthetic letters to out/synth (FORMAT=text|pdf).
synth:
	$(GO) run ./cmd/synth -n $(SYNTH_N) -seed 1 -format $(or $(FORMAT),text) -out out/synth

eval: deps
	$(GO) run ./cmd/evaluate -corpus $(CORPUS) -truth fixtures/truth

fuzz:
	@for p in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$p 2>/dev/null | grep '^Fuzz'); do \
	    echo "fuzz $$p $$f"; $(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) $$p || exit 1; \
	  done; \
	done

golden:
	$(GO) test ./... -update

fixtures:
	$(GO) generate ./fixtures/...

clean:
	rm -rf bin out $(DEMO)
