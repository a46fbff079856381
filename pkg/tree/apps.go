package tree

import "slices"

// App is one app of the catalog that a customer company can have switched on.
type App struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Catalog is every app a customer can have, in display order. Ids are stable: they are stored in customers'
// toggles.
var Catalog = []App{
	{"email-security", "Email Security", "Filters spam, phishing and malware before mail reaches the inbox."},
	{"endpoint-protection", "Endpoint Protection", "Antivirus and threat response on laptops, desktops and servers."},
	{"device-management", "Device Management", "Enrols, configures and wipes phones, tablets and laptops."},
	{"cloud-backup", "Cloud Backup", "Backs up mailboxes, files and endpoints to the cloud."},
	{"web-filtering", "Web Filtering", "Blocks dangerous and unwanted websites on every device."},
	{"business-phone", "Business Phone", "Cloud phone system with numbers, extensions and voicemail."},
}

// FindApp finds an app of the catalog by id.
func FindApp(id string) (App, bool) {
	i := slices.IndexFunc(Catalog, func(a App) bool { return a.ID == id })
	if i < 0 {
		return App{}, false
	}
	return Catalog[i], true
}

// AppList is the answer of GET /v1/apps.
type AppList struct {
	Items []App `json:"items"`
}

// ListApps lists the catalog.
func ListApps() AppList { return AppList{Items: slices.Clone(Catalog)} }
