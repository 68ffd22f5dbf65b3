//go:build unix

package main

import (
	"os"
	"os/signal"
	"syscall"
	"time"
)

// catchSignals catches SIGINT, SIGTERM and SIGHUP for the whole run, so
// that a temporary file is not left behind when they end it. A signal the
// process was started with ignored (nohup ignores SIGHUP, a shell without
// job control SIGINT for a background job) is left alone: catching it
// would end a run that should have gone on.
func catchSignals() {
	var sigs []os.Signal
	for _, s := range []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		if !signal.Ignored(s) {
			sigs = append(sigs, s)
		}
	}
	if len(sigs) == 0 {
		return
	}
	c := make(chan os.Signal, 1)
	signal.Notify(c, sigs...)
	go func() { interrupted(<-c) }()
}

// endBy lets the signal do what it would have done: with arrfarm's
// handler reset, raising it again ends the process with a status that
// says "killed by SIGTERM" to the shell. Should the process somehow live
// on, it exits with the shell's code for that signal.
func endBy(sig os.Signal) {
	s, ok := sig.(syscall.Signal)
	if !ok {
		os.Exit(128 + 15)
	}
	signal.Reset(s)
	_ = syscall.Kill(os.Getpid(), s)
	time.Sleep(5 * time.Second)
	os.Exit(128 + int(s))
}
