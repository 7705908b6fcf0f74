package main

import (
	"bytes"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeAccessLog: serve's access lines reach stderr in a batch (within
// logsink's delay, not at once), its other lines at once, and the access lines
// still waiting at SIGTERM before serve returns.
func TestServeAccessLog(t *testing.T) {
	addr := freePort(t)
	var stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- runServe([]string{"--addr", addr, "--db", "off", "--log-level", "info"}, nil, &bytes.Buffer{}, &stderr)
	}()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	resp, err := http.Get("http://" + addr + "/v1/layers?probe=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// Wait for the batch: written within the delay, by the sink's timer.
	for !strings.Contains(stderr.String(), `"path":"/v1/layers"`) {
		if time.Now().After(deadline) {
			t.Fatalf("the access line never reached stderr: %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Requests just before SIGTERM: their lines are written before serve returns.
	for range 3 {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
		}
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, stderr.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not stop on SIGTERM")
	}
	if n := strings.Count(stderr.String(), `"path":"/healthz"`); n != 3 {
		t.Fatalf("%d access lines of the 3 /healthz before SIGTERM: %s", n, stderr.String())
	}
}
