// helm-render renders a Helm chart's templates the way `helm template` does, for the chart test: Go's
// text/template with the sprig function library (the engine and library Helm itself uses), plus Helm's own
// include, tpl, required, toYaml, fromYaml and fromJson. Helm is not packaged for Debian and the test
// machines reach no other download, so the chart is rendered with the same parts rather than not at all.
//
// Usage: helm-render CHART_DIR [-f values.yaml]... [--release NAME] [--namespace NS]
// Prints every rendered manifest after a "# Source: CHART/templates/FILE" line, as helm template does.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	sprig "github.com/Masterminds/sprig/v3"
	"gopkg.in/yaml.v3"
)

type values = map[string]interface{}

// merge copies src over dst, recursing into maps (Helm's coalescing of values files).
func merge(dst, src values) values {
	for k, v := range src {
		if sv, ok := v.(values); ok {
			if dv, ok := dst[k].(values); ok {
				dst[k] = merge(dv, sv)
				continue
			}
		}
		dst[k] = v
	}
	return dst
}

func readYAML(path string) values {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	out := values{}
	if err := yaml.Unmarshal(data, &out); err != nil {
		fail("%s: %v", path, err)
	}
	return out
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "helm-render: "+format+"\n", args...)
	os.Exit(1)
}

func toYAML(v interface{}) string {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

type apiVersions []string

func (a apiVersions) Has(v string) bool {
	for _, x := range a {
		if x == v {
			return true
		}
	}
	return false
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: helm-render CHART_DIR [-f values.yaml]... [--release NAME] [--namespace NS]")
	}
	chartDir := os.Args[1]
	release, namespace := "gatehouse", "default"
	vals := readYAML(filepath.Join(chartDir, "values.yaml"))
	for i := 2; i < len(os.Args); i++ {
		switch os.Args[i] {
		case "-f":
			i++
			vals = merge(vals, readYAML(os.Args[i]))
		case "--release":
			i++
			release = os.Args[i]
		case "--namespace":
			i++
			namespace = os.Args[i]
		default:
			fail("unknown argument %s", os.Args[i])
		}
	}
	chart := readYAML(filepath.Join(chartDir, "Chart.yaml"))
	chartName, _ := chart["name"].(string)

	root := template.New("chart").Option("missingkey=zero")
	funcs := sprig.TxtFuncMap()
	// Helm drops these two: a chart must not read the renderer's environment.
	delete(funcs, "env")
	delete(funcs, "expandenv")
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = func(s string) values {
		out := values{}
		if err := yaml.Unmarshal([]byte(s), &out); err != nil {
			out["Error"] = err.Error()
		}
		return out
	}
	funcs["fromJson"] = func(s string) values {
		out := values{}
		if err := json.Unmarshal([]byte(s), &out); err != nil {
			out["Error"] = err.Error()
		}
		return out
	}
	funcs["required"] = func(msg string, v interface{}) (interface{}, error) {
		if v == nil || v == "" {
			return nil, fmt.Errorf("%s", msg)
		}
		return v, nil
	}
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var buf bytes.Buffer
		err := root.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		err = t.Execute(&buf, data)
		return buf.String(), err
	}
	funcs["lookup"] = func(string, string, string, string) values { return values{} }
	root.Funcs(funcs)

	var files []string
	filepath.Walk(filepath.Join(chartDir, "templates"), func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files)
	names := map[string]string{}
	for _, f := range files {
		rel, _ := filepath.Rel(chartDir, f)
		name := chartName + "/" + rel
		text, err := os.ReadFile(f)
		if err != nil {
			fail("%v", err)
		}
		if _, err := root.New(name).Parse(string(text)); err != nil {
			fail("%v", err)
		}
		names[f] = name
	}
	top := values{
		"Values": vals,
		"Release": values{"Name": release, "Namespace": namespace, "Service": "Helm", "IsInstall": true,
			"IsUpgrade": false, "Revision": 1},
		"Chart": values{"Name": chartName, "Version": chart["version"], "AppVersion": chart["appVersion"]},
		"Capabilities": values{"KubeVersion": values{"Version": "v1.30.0", "GitVersion": "v1.30.0", "Major": "1",
			"Minor": "30"}, "APIVersions": apiVersions{"v1", "apps/v1", "policy/v1", "networking.k8s.io/v1",
			"monitoring.coreos.com/v1"}},
	}
	for _, f := range files {
		base := filepath.Base(f)
		if strings.HasPrefix(base, "_") || base == "NOTES.txt" {
			continue
		}
		top["Template"] = values{"Name": names[f], "BasePath": chartName + "/templates"}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, names[f], top); err != nil {
			fail("%v", err)
		}
		out := strings.ReplaceAll(buf.String(), "<no value>", "")
		if strings.TrimSpace(out) == "" {
			continue
		}
		fmt.Printf("---\n# Source: %s\n%s\n", names[f], strings.TrimSpace(out))
	}
}
