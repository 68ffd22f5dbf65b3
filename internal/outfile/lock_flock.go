//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package outfile

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// lockHeld: Edit keeps the file open, and so locked, until it is written.
const lockHeld = true

// lockFile takes an exclusive advisory lock (flock) on f, waiting up to
// wait for another holder, another arrfarm editing the same file, to let
// go. Closing f releases it. Editors do not take this lock: the stamp
// check covers them.
func lockFile(f *os.File, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EINTR):
			if time.Now().After(deadline) {
				return fmt.Errorf("another program has held a lock on the file for %v (another arrfarm --write?)", wait)
			}
			time.Sleep(20 * time.Millisecond)
		case errors.Is(err, syscall.ENOTSUP) || errors.Is(err, syscall.ENOLCK) || errors.Is(err, syscall.EOPNOTSUPP):
			// A file system without flock (some network mounts): the
			// stamp check still catches every change made before it.
			return nil
		default:
			return fmt.Errorf("locking the file: %w", err)
		}
	}
}
