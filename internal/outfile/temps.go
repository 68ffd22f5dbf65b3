package outfile

import (
	"os"
	"sync"
)

// live holds the temporary files that exist right now, so that a signal
// handler can remove them before the process dies. A name is recorded
// before its file is created (nil), and its open file once it exists:
// Windows refuses to remove a file that is still open (Go opens files
// without FILE_SHARE_DELETE), so Abort closes it first. An in-place edit
// (editInPlace) holds the lock while it writes, so that Abort waits for
// it rather than leave the user's file half written.
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
	delete(live.names, name)
}

// Abort is for the process's signal handler, which ends the process right
// after it: it waits for an in-place edit to finish, closes and removes
// every live temporary file, and returns their names. It keeps the
// registry locked for good, so that no write can go on or report: a write
// whose temporary file it closed fails, and that write's cleanup waits on
// the lock, so the process cannot print "file already closed" and exit 2
// before the handler has ended it by the signal.
func Abort() []string {
	live.Lock()
	return removeLocked()
}

// removeLocked closes and removes the live temporary files, with live
// locked.
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
	return removed
}
