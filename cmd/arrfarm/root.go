package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// Exit codes (the command-line contract in docs/design.md).
const (
	exitOK       = 0 // clean
	exitFindings = 1 // findings at or above --fail-on, a breached --max, a config that stops a simulation
	exitUsage    = 2 // usage error or unreadable input
	exitInternal = 3 // internal error
)

// streams are the process's standard streams, passed in so that the whole
// CLI runs in tests without touching the real ones.
type streams struct {
	in  io.Reader
	out io.Writer
	err io.Writer
}

// env looks up an environment variable (os.Getenv in main, a map in tests).
type env func(string) string

// exitError carries an exit code out of a command. Commands return it for
// outcomes other than success; plain errors are usage errors.
type exitError struct {
	code int
	err  error // printed to stderr when non-nil
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// withCode wraps err so that the command exits with code.
func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// run executes one command line and returns the process exit code.
func run(args []string, s streams, getenv env) (code int) {
	defer func() {
		if r := recover(); r != nil {
			printInternal(s.err, fmt.Sprint(r))
			code = exitInternal
		}
	}()
	root := newRootCmd(s, getenv)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	return exitCodeOf(s.err, err)
}

// exitCodeOf prints err and returns the exit code it stands for.
func exitCodeOf(w io.Writer, err error) int {
	// Errors whose kind decides the exit code, whatever command met them:
	// a panic in a simulation worker is arrfarm's bug; a scenario over the
	// work budget is the user's input.
	var ie *simulate.InternalError
	if errors.As(err, &ie) {
		printInternal(w, ie.Error())
		return exitInternal
	}
	var be *simulate.BudgetError
	if errors.As(err, &be) {
		printErr(w, be)
		return exitUsage
	}
	var ue *simulate.InputError
	if errors.As(err, &ue) {
		printErr(w, ue)
		return exitUsage
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			printErr(w, ee.err)
		}
		return ee.code
	}
	printErr(w, err)
	return exitUsage
}

// printInternal is the one message for arrfarm's own bugs.
func printInternal(w io.Writer, what string) {
	fmt.Fprintf(w, "arrfarm: internal error: %s\nPlease report this with the input that caused it.\n", schema.Printable(what))
}

// printErr prints an error the way every command does. Errors quote what
// the user wrote (a --set assignment, a file name) and what a log holds
// (the first line of a file that is not a log), so secrets, including
// password=... parameters, are masked and control characters escaped like
// any other output.
func printErr(w io.Writer, err error) {
	fmt.Fprintf(w, "arrfarm: %s\n", schema.Printable(err.Error()))
}

func newRootCmd(s streams, getenv env) *cobra.Command {
	root := &cobra.Command{
		Use:   "arrfarm",
		Short: "Lint and simulate IIS Application Request Routing web farms",
		Long: `arrfarm checks IIS Application Request Routing (ARR) farm settings before they
reach production and predicts how they behave under load: the share of requests
that end in 502.3 (backend timeout or connection failure) and 502.4 (no healthy
server).`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	root.AddCommand(
		newConvertCmd(s),
		newSchemaCmd(s),
		newSimulateCmd(s),
		newRecommendCmd(s),
		newSweepCmd(s),
		newDiagnoseCmd(s),
		newVersionCmd(s),
		newLintCmd(s, getenv), newRulesCmd(s), newExplainCmd(s),
		newCheckCmd(s, getenv),
		newPlanCmd(s), newDriftCmd(s, getenv),
	)
	return root
}
