package account

// Disable is the account disabled by an account above it. It keeps the status it had, so Enable can restore it:
// a pending account whose contact has not activated yet stays pending.
func (a Account) Disable() Account {
	if a.Status == Disabled {
		return a
	}
	a.StatusBeforeDisable, a.Status = a.Status, Disabled
	return a
}

// Enable is a disabled account enabled again, back in the status it had before. contactActive says whether its
// point of contact has activated: an activation link still works while the account is disabled but cannot make
// a disabled account active, so a pending account whose contact activated meanwhile comes back active.
func (a Account) Enable(contactActive bool) Account {
	if a.Status != Disabled {
		return a
	}
	a.Status = Pending
	if a.StatusBeforeDisable == Active || contactActive {
		a.Status = Active
	}
	a.StatusBeforeDisable = ""
	return a
}

// Blockers are the ids of the accounts above a whose being disabled blocks it: its ancestors but the root. Only an
// account above may disable another (package tree), and nothing is above the root, so the root is never disabled
// and checking it would be a read for nothing.
func (a Account) Blockers() []string {
	if len(a.Ancestors) <= 1 {
		return nil
	}
	return a.Ancestors[1:]
}

// Usable reports whether the people of account a may sign in and act: neither a nor any account above it (above
// are a's ancestors, in any order) is disabled. Disabling an account blocks its whole subtree, and enabling it
// unblocks it.
func Usable(a Account, above []Account) bool {
	if a.Status == Disabled {
		return false
	}
	for _, b := range above {
		if b.Status == Disabled {
			return false
		}
	}
	return true
}

// BlockedBy returns the highest account among above that is disabled, or false. It tells an administrator
// viewing an enabled account why its people still cannot sign in.
func BlockedBy(above []Account) (Account, bool) {
	for _, b := range above {
		if b.Status == Disabled {
			return b, true
		}
	}
	return Account{}, false
}
