// Package e2e holds PartnerHub's browser tests: headless Chromium drives the real web client (web/) through the
// local gateway, in front of the real functions, on the DynamoDB and SES emulators. Emails really leave through
// the outbox: the table's stream drives the mailer, and the tests read the links and codes from the SES
// emulator's mailbox, as a person would from their inbox.
//
// The tests need Chromium. They look for it in CHROMIUM_PATH, then for "chromium" (and "chromium-browser",
// "google-chrome") on PATH, then at /usr/bin/chromium. A missing browser fails the run; it is never a skip,
// so CI cannot pass without running them. On Debian: apt-get install chromium.
//
// The package has only tests; this file carries its documentation.
package e2e
