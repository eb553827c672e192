// Command step_big_go links several large standard packages, for a debug
// info of more than 2 MiB: its loading is shown with progress events.
package main

import (
	"crypto/tls"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"text/template"
)

func main() {
	b, _ := json.Marshal(map[string]int{"tls": int(tls.VersionTLS13)})
	t := template.Must(template.New("x").Parse("{{.}}\n"))
	t.Execute(os.Stdout, string(b))
	fmt.Println(http.StatusText(200), sql.Drivers())
}
