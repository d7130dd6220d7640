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
	if child, code := pdftext.RunIfChild(); child {
		os.Exit(code) // served as the PDF child process
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
