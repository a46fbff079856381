package emulator

import (
	"os/exec"
	"syscall"
)

// procAttr puts the emulator in its own process group, so Stop reaches its children (npm shims start node),
// and has the kernel kill it if we die first, so no emulator outlives the stack or a test binary.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

func killGroup(cmd *exec.Cmd) {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
}
