package outfile

import "sync"

// live holds the temporary files that exist right now, so that a signal
// handler can remove them before the process dies.
var live struct {
	sync.Mutex
	names map[string]bool
}

// track records a temporary file before it is created (a signal between
// creating and recording it would leave it behind otherwise).
func track(name string) {
	live.Lock()
	defer live.Unlock()
	if live.names == nil {
		live.names = map[string]bool{}
	}
	live.names[name] = true
	if len(live.names) == 1 {
		watchSignals()
	}
}

// forget drops a temporary file that was renamed or removed.
func forget(name string) {
	live.Lock()
	defer live.Unlock()
	if !live.names[name] {
		return
	}
	delete(live.names, name)
	if len(live.names) == 0 {
		unwatchSignals()
	}
}
