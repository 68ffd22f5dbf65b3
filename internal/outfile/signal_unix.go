//go:build unix

package outfile

import (
	"os"
	"os/signal"
	"syscall"
)

// sigs are the signals that end a command-line run: a temporary file must
// not survive them.
var sigs = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

var sigc = make(chan os.Signal, 1)

func init() { go handleSignals() }

// watchSignals and unwatchSignals run with live locked. Signals are caught
// only while a temporary file exists, so the process's usual reaction to
// them is untouched the rest of the time.
func watchSignals()   { signal.Notify(sigc, sigs...) }
func unwatchSignals() { signal.Stop(sigc) }

// handleSignals removes the live temporary files and then lets the signal
// do what it would have done: signal.Stop restores the default action and
// the signal is raised again, so the exit status still says "killed by
// SIGINT" to the shell.
func handleSignals() {
	for sig := range sigc {
		live.Lock()
		for name := range live.names {
			os.Remove(name)
			delete(live.names, name)
		}
		signal.Stop(sigc)
		live.Unlock()
		if s, ok := sig.(syscall.Signal); ok {
			_ = syscall.Kill(os.Getpid(), s)
		}
	}
}
