// Command precedent turns medical-necessity review letters (Texas IRO
// decisions, California IMR final determinations) into structured case
// records. See shared/spec/cli.md for the command-line contract.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/precedent-dev/precedent/extract/pdftext"
)

func main() {
	if os.Getenv(pdftext.ChildEnv) == "1" {
		// Child mode: parse PDFs sent by the parent process (see pdftext).
		if err := pdftext.ServeChild(os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
