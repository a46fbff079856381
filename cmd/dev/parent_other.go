//go:build !linux

package main

// stopWithParent has no portable equivalent outside Linux; there Ctrl-C (the whole process group) stops the stack.
func stopWithParent() {}
