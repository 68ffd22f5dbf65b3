//go:build windows

package main

import (
	"os"
	"os/signal"
	"syscall"
)

// What Go delivers on Windows (os/signal's package documentation, and
// ctrlHandler in runtime/os_windows.go): Ctrl+C and Ctrl+Break arrive as
// os.Interrupt, and while Notify asks for it the process is not ended;
// closing the console window, logging off and shutting down
// (CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT) arrive as
// syscall.SIGTERM, and the runtime holds the console's handler thread
// until the program exits, so Windows does not terminate the process
// before the temporary file is removed (for a console close it waits
// about 5 seconds, then terminates it anyway).
func catchSignals() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	go func() { interrupted(<-c) }()
}

// statusControlCExit is the exit status a console program has when
// Ctrl+C ends it: Windows' default console control handler calls
// ExitProcess with STATUS_CONTROL_C_EXIT, 0xC000013A ("{Application Exit
// by CTRL+C} The application terminated as a result of a CTRL+C.", in
// Microsoft's NTSTATUS table, [MS-ERREF] 2.3.1, and the "Console Control
// Handlers" page of the Windows console documentation). cmd.exe shows it
// as %ERRORLEVEL% -1073741510, PowerShell's $LASTEXITCODE likewise.
//
// A caught console event cannot be handed back to that default handler
// (GenerateConsoleCtrlEvent would interrupt every process on the
// console), so arrfarm ends itself the way the default handler would
// have: the Windows counterpart of re-raising the signal on Unix. The
// same status is used for the close, logoff and shutdown events, which
// the default handler also ends with ExitProcess.
const statusControlCExit uint32 = 0xC000013A

// endBy ends the process as the default handler would have. os.Exit
// passes its code to ExitProcess as a uint32; going through int32 keeps
// the bits on 32-bit Windows too, where 0xC000013A does not fit an int.
func endBy(os.Signal) {
	code := statusControlCExit
	os.Exit(int(int32(code)))
}
