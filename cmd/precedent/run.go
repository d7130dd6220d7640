package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Exit codes of the command-line contract.
const (
	exitOK     = 0 // success
	exitFailed = 1 // some inputs failed; the rest were processed
	exitUsage  = 2 // usage error, or nothing could be done
)

// env is what a subcommand gets from the process: streams and context.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// A command is one subcommand.
type command struct {
	summary string
	run     func(e *env, args []string) int
}

var commands = map[string]command{
	"extract": {"print case records of letters (PDF or text)", runExtract},
	"check":   {"check letters against guideline criteria", runCheck},
	"ingest":  {"import letters and folders into the index", runIngest},
	"search":  {"search the indexed precedents", runSearch},
	"similar": {"list the precedents most like a letter", runSimilar},
	"serve":   {"serve the web page and the HTTP API over the index", runServe},
	"version": {"print the version", runVersion},
}

// run is the whole program; main only wires the process to it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "--help", "-help", "help":
		usage(stdout)
		return exitOK
	case "--version", "-version":
		return runVersion(e, nil)
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "precedent: unknown command %q\n", name)
		usage(stderr)
		return exitUsage
	}
	return cmd.run(e, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: precedent <command> [flags] [args]")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'precedent <command> -h' for the flags and examples of a command.")
}

// oneLine makes sure an error message is printed on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
