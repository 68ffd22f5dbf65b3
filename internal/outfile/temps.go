package outfile

import (
	"os"
	"sync"
)

// live holds the temporary files that exist right now, so that a signal
// handler can remove them before the process dies. A name is recorded
// before its file is created (nil), and its open file once it exists:
// Windows refuses to remove a file that is still open (Go opens files
// without FILE_SHARE_DELETE), so the handler closes it first.
var live struct {
	sync.Mutex
	names map[string]*os.File
}

// track records a temporary file before it is created (a signal between
// creating and recording it would leave it behind otherwise).
func track(name string) {
	live.Lock()
	defer live.Unlock()
	if live.names == nil {
		live.names = map[string]*os.File{}
	}
	live.names[name] = nil
	if len(live.names) == 1 {
		watchSignals()
	}
}

// hold records the open file of a tracked name.
func hold(name string, f *os.File) {
	live.Lock()
	defer live.Unlock()
	if _, ok := live.names[name]; ok {
		live.names[name] = f
	}
}

// forget drops a temporary file that was renamed or removed.
func forget(name string) {
	live.Lock()
	defer live.Unlock()
	if _, ok := live.names[name]; !ok {
		return
	}
	delete(live.names, name)
	if len(live.names) == 0 {
		unwatchSignals()
	}
}

// removeLive closes and removes every live temporary file and stops
// watching signals, so that whatever ends the process next meets the
// platform's default reaction. It returns the names it removed.
func removeLive() []string {
	live.Lock()
	defer live.Unlock()
	return removeLocked()
}

// removeLocked is removeLive with live already locked.
func removeLocked() []string {
	var removed []string
	for name, f := range live.names {
		if f != nil {
			// A write in progress on another goroutine fails from here
			// on; the process is about to end.
			f.Close()
		}
		if err := os.Remove(name); err == nil {
			removed = append(removed, name)
		}
		delete(live.names, name)
	}
	unwatchSignals()
	return removed
}

// handleSignals waits for the signals watchSignals asks for: each one
// removes the live temporary files, then end (per platform) ends the
// process as that signal would have ended it without arrfarm's handler.
// end runs with live locked: the write whose file was just closed fails,
// and its cleanup (forget) waits for the lock, so it cannot report that
// failure, or exit with another status, before the process ends.
func handleSignals(c <-chan os.Signal, end func(os.Signal)) {
	for sig := range c {
		live.Lock()
		removeLocked()
		end(sig)
		live.Unlock() // reached only if the signal did not end the process
	}
}
