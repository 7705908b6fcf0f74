package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// SoakRun is what a soak measured: checks sent by 16 clients until Checks
// were answered, the three jobs run over and over beside them, and the
// server's resident memory read between rounds of checks.
type SoakRun struct {
	Checks, Jobs int
	Took         time.Duration
	// RSS at the soak's start, the highest read during it, and at its end.
	Start, Max, End int64
	// Samples are the RSS readings, one a round of checks.
	Samples []int64
}

// soakClients is how many clients send the soak's checks.
const soakClients = 16

// Soak sends checks to url (the server's base) from soakClients clients in
// rounds of round until n are answered, with jobs run one after another beside
// them (their answers are not checked again), reading rss after each round. A
// round in which no check is answered ends the soak with an error.
func Soak(ctx context.Context, url string, n int, round time.Duration, jobs []Job, rss func() (int64, error), log io.Writer) (SoakRun, error) {
	var s SoakRun
	var err error
	if s.Start, err = rss(); err != nil {
		return s, err
	}
	s.Max = s.Start
	stop := make(chan struct{})
	type jobsResult struct {
		n   int
		err error
	}
	jobsDone := make(chan jobsResult, 1)
	go func() {
		n, err := loopJobs(url, jobs, stop)
		jobsDone <- jobsResult{n, err}
	}()
	bodies := CheckBodies(1024, Shaanxi)
	start := time.Now()
	var jr jobsResult
	jobsEnded := false
	for s.Checks < n {
		// A failed job ends the soak at the next round, not after every check.
		select {
		case jr = <-jobsDone:
			jobsEnded = true
		default:
		}
		if jobsEnded {
			break
		}
		l := Drive(ctx, url+"/v1/check", bodies, soakClients, round)
		if l.OK == 0 {
			err = fmt.Errorf("soak: a round of checks got no answer: %s", l.FirstError)
			break
		}
		s.Checks += l.OK
		var r int64
		if r, err = rss(); err != nil {
			break
		}
		s.Samples = append(s.Samples, r)
		s.Max = max(s.Max, r)
		fmt.Fprintf(log, "bench: soak: %d checks, RSS %d MiB\n", s.Checks, r>>20)
	}
	s.Took = time.Since(start)
	close(stop)
	if !jobsEnded {
		jr = <-jobsDone
	}
	s.Jobs = jr.n
	err = errors.Join(err, jr.err)
	if err != nil {
		return s, err
	}
	s.End, err = rss()
	return s, err
}

// loopJobs runs jobs one after another, over and over, until stop is closed or
// one fails (their answers are read, not checked): how many ran.
func loopJobs(url string, jobs []Job, stop <-chan struct{}) (int, error) {
	if len(jobs) == 0 {
		<-stop
		return 0, nil
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	var buf bytes.Buffer // kept from job to job, as LocateInto's
	for n := 0; ; n++ {
		select {
		case <-stop:
			return n, nil
		default:
		}
		j := jobs[n%len(jobs)]
		if err := postLocate(client, url, j.Body, &buf); err != nil {
			return n, fmt.Errorf("soak: %s: %w", j.Name, err)
		}
	}
}
