package main

import (
	"os"
	"syscall"
)

// stopWithParent asks the kernel to send this process SIGTERM when its parent dies. Ctrl-C reaches the whole
// process group, but `make dev` stopped by a signal of its own (a timeout, a closed terminal, a supervisor)
// would otherwise leave the stack running; SIGTERM takes the same clean path as Ctrl-C.
func stopWithParent() {
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0)
	if os.Getppid() == 1 { // the parent died before the request took effect
		_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
	}
}
