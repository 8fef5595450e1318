# Mail Lab — the two commands you need are `make serve` and `make test`.
# Each installs whatever is missing first (scripts/install-tools.sh): pinned tools only.
.PHONY: serve test site size measure shell tools

## serve: the lab on http://127.0.0.1:8080 (rebuilds when sources change)
serve: tools
	PATH="$(CURDIR)/node_modules/.bin:$$HOME/.cargo/bin:$$PATH" trunk serve

## test: every test (lints, native, wasm in headless Chromium, end to end)
test:
	scripts/test.sh

## site: the static site for hosting, in dist/
site: tools
	PATH="$(CURDIR)/node_modules/.bin:$$HOME/.cargo/bin:$$PATH" trunk build --release

## size: raw and gzip sizes of the release site
size:
	scripts/size-report.sh

## measure: start, a 10,000-message INBOX and a 100,000-line terminal timed in headless
## Chromium against the budgets (#10). A report, never a failure; needs dist/ (make site).
measure:
	node scripts/measure-browser.mjs

## shell: the lab's shell in this terminal
shell:
	cargo run --quiet -- shell

tools:
	scripts/install-tools.sh
