package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/redline-gis/redline/internal/testenv"
)

// There is no container engine where the tests run: the Dockerfile and
// compose.yaml are checked for what can be checked without one — that they
// parse, that what they name exists, that the image is built by the Makefile's
// own build, and that the replicas, the database and the proxy fit together.

const repo = "../.."

type instruction struct {
	cmd, args string
	line      int
}

// dockerfile reads a Dockerfile's instructions, continuation lines joined.
func dockerfile(t *testing.T, p string) []instruction {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var out []instruction
	var cur strings.Builder
	start := 0
	for i, l := range strings.Split(string(b), "\n") {
		trim := strings.TrimSpace(l)
		if cur.Len() == 0 && (trim == "" || strings.HasPrefix(trim, "#")) {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if s, ok := strings.CutSuffix(trim, "\\"); ok {
			cur.WriteString(s + " ")
			continue
		}
		cur.WriteString(trim)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{strings.ToUpper(cmd), strings.TrimSpace(args), start})
		cur.Reset()
	}
	if cur.Len() > 0 {
		t.Fatalf("Dockerfile ends in a continuation line")
	}
	return out
}

func TestDockerfile(t *testing.T) {
	known := []string{"FROM", "RUN", "COPY", "WORKDIR", "USER", "EXPOSE", "HEALTHCHECK", "ENTRYPOINT", "CMD", "ENV", "ARG", "LABEL"}
	stages := map[string]bool{}
	var froms []string
	workdir := map[string]string{}
	stage := ""
	var runs []string
	var user, health, expose string
	for _, in := range dockerfile(t, filepath.Join(repo, "Dockerfile")) {
		if !slices.Contains(known, in.cmd) {
			t.Errorf("line %d: unknown instruction %s", in.line, in.cmd)
		}
		switch in.cmd {
		case "FROM":
			f := strings.Fields(in.args)
			froms = append(froms, f[0])
			stage = f[0]
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				stage = f[2]
				stages[stage] = true
			}
		case "WORKDIR":
			workdir[stage] = in.args
		case "RUN":
			runs = append(runs, stage+": "+in.args)
		case "COPY":
			f := strings.Fields(in.args)
			if from, ok := strings.CutPrefix(f[0], "--from="); ok {
				if !stages[from] {
					t.Errorf("line %d: COPY --from=%s names no earlier stage", in.line, from)
				}
				// The binary is where the Makefile's build puts it, in that stage's WORKDIR.
				if want := filepath.Join(workdir[from], "bin/redline"); f[1] != want {
					t.Errorf("line %d: copies %s, but make build writes %s", in.line, f[1], want)
				}
				continue
			}
			for _, src := range f[:len(f)-1] {
				if _, err := os.Stat(filepath.Join(repo, src)); err != nil {
					t.Errorf("line %d: COPY %s: %v", in.line, src, err)
				}
			}
		case "USER":
			user = in.args
		case "HEALTHCHECK":
			health = in.args
		case "EXPOSE":
			expose = in.args
		}
	}
	if len(froms) != 2 {
		t.Errorf("want a build and a runtime stage, got FROM %v", froms)
	}
	for _, f := range froms {
		if !strings.Contains(f, "bookworm") {
			t.Errorf("FROM %s: not Debian 12 (bookworm)", f)
		}
	}
	if !slices.ContainsFunc(runs, func(r string) bool { return strings.HasSuffix(r, ": make build") }) {
		t.Errorf("the image is not built by the Makefile's build: RUN %q", runs)
	}
	if user == "" || user == "root" || user == "0" {
		t.Errorf("the runtime runs as %q", user)
	}
	if !strings.Contains(health, "/healthz") || !strings.Contains(health, ":"+expose+"/") {
		t.Errorf("HEALTHCHECK %q does not ask /healthz on the exposed port %s", health, expose)
	}
	// The Makefile's build is the binary the image copies.
	mk, err := os.ReadFile(filepath.Join(repo, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^build: .*\n\t\$\(GO\) build -o bin/redline \./cmd/redline$`).Match(mk) {
		t.Errorf("the Makefile's build does not write bin/redline from ./cmd/redline")
	}
	// The runtime libraries are those the -dev packages of the build link against.
	var runtime string
	for _, r := range runs {
		if strings.Contains(r, "apt-get install") && !strings.HasPrefix(r, "build:") {
			runtime = r
		}
	}
	if _, err := exec.LookPath("apt-cache"); err != nil {
		testenv.Missing(t, "apt-cache is not here: the image's runtime libraries are not checked against Debian's -dev packages")
	}
	for dev, lib := range map[string]string{"libgeos-dev": "libgeos-c1v5", "libproj-dev": "libproj25"} {
		out, err := exec.Command("apt-cache", "depends", dev).Output()
		if err != nil {
			t.Fatalf("apt-cache depends %s: %v", dev, err)
		}
		if !strings.Contains(string(out), "Depends: "+lib+"\n") {
			t.Errorf("%s does not depend on %s here:\n%s", dev, lib, out)
		}
		if !strings.Contains(runtime, " "+lib+" ") {
			t.Errorf("the runtime stage does not install %s: %s", lib, runtime)
		}
	}
}

func TestCompose(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repo, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Services map[string]struct {
			Build       string            `yaml:"build"`
			Image       string            `yaml:"image"`
			Environment map[string]string `yaml:"environment"`
			Volumes     []string          `yaml:"volumes"`
			Ports       []string          `yaml:"ports"`
			DependsOn   any               `yaml:"depends_on"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	var replicas []string
	for name, s := range c.Services {
		if s.Build == "." {
			replicas = append(replicas, name)
		}
		for _, v := range s.Volumes {
			if src, _, ok := strings.Cut(v, ":"); ok && strings.HasPrefix(src, "./") {
				if _, err := os.Stat(filepath.Join(repo, src)); err != nil {
					t.Errorf("service %s mounts %s: %v", name, src, err)
				}
			}
		}
	}
	slices.Sort(replicas)
	if len(replicas) != 2 {
		t.Fatalf("want two replicas built from the Dockerfile, got %v", replicas)
	}
	if _, err := os.Stat(filepath.Join(repo, "Dockerfile")); err != nil {
		t.Fatal(err)
	}
	a, b2 := c.Services[replicas[0]], c.Services[replicas[1]]
	if !slices.Equal(a.Volumes, b2.Volumes) || len(a.Environment) != len(b2.Environment) {
		t.Errorf("the replicas are not identical: %+v / %+v", a, b2)
	}
	serve, err := os.ReadFile("serve.go")
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range a.Environment {
		if b2.Environment[k] != v {
			t.Errorf("%s differs between the replicas", k)
		}
		if !strings.Contains(string(serve), `"`+k+`"`) {
			t.Errorf("%s is not a variable redline serve reads", k)
		}
	}
	db := ""
	for name, s := range c.Services {
		if strings.HasPrefix(s.Image, "postgis/postgis:") {
			db = name
		}
	}
	if db == "" || !strings.Contains(a.Environment["REDLINE_DB"], "@"+db+":5432/") {
		t.Errorf("the replicas' REDLINE_DB %q is not the postgis/postgis service %q", a.Environment["REDLINE_DB"], db)
	}
	// The proxy's configuration names both replicas on the port the image exposes.
	caddy, err := os.ReadFile(filepath.Join(repo, "deploy", "Caddyfile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*reverse_proxy ([^{]+)\{`).FindSubmatch(caddy)
	if m == nil {
		t.Fatal("deploy/Caddyfile has no reverse_proxy block")
	}
	ups := strings.Fields(string(m[1]))
	slices.Sort(ups)
	if want := []string{replicas[0] + ":8080", replicas[1] + ":8080"}; !slices.Equal(ups, want) {
		t.Errorf("the proxy forwards to %v, want %v", ups, want)
	}
	if !strings.Contains(string(caddy), "health_uri /readyz") {
		t.Error("the proxy does not watch /readyz")
	}
}
