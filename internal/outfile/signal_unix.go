//go:build unix

package outfile

import (
	"os"
	"os/signal"
	"syscall"
)

// sigs are the signals that end a command-line run: a temporary file must
// not survive them. A signal the process was started with ignored (nohup
// ignores SIGHUP, a shell without job control SIGINT for a background
// job) is left alone: catching it would remove the temporary file and then
// not end the process, failing a write that should have gone on. Ignored
// is asked once, at start, because Notify clears what it reports.
var sigs []os.Signal

var sigc = make(chan os.Signal, 1)

func init() {
	for _, s := range []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		if !signal.Ignored(s) {
			sigs = append(sigs, s)
		}
	}
	go handleSignals(sigc, reraise)
}

// watchSignals and unwatchSignals run with live locked. Signals are caught
// only while a temporary file exists, so the process's usual reaction to
// them is untouched the rest of the time.
func watchSignals() {
	if len(sigs) > 0 {
		signal.Notify(sigc, sigs...)
	}
}
func unwatchSignals() { signal.Stop(sigc) }

// reraise lets the signal do what it would have done: removeLive has
// called signal.Stop, which restores the default action, so raising the
// signal again ends the process with an exit status that still says
// "killed by SIGINT" to the shell.
func reraise(sig os.Signal) {
	if s, ok := sig.(syscall.Signal); ok {
		_ = syscall.Kill(os.Getpid(), s)
	}
}
