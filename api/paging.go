package api

import (
	"net/http"
	"net/url"
	"strconv"
)

// window is a listing's page: how many items from which one, as the query asks.
type window struct{ limit, offset int }

// queryWindow reads limit (def when absent, 1…max) and offset (≥ 0) from q.
func queryWindow(q url.Values, def, max int) (window, error) {
	limit, err := queryInt(q, "limit", def, 1, max)
	if err != nil {
		return window{}, err
	}
	offset, err := queryInt(q, "offset", 0, 0, 1<<31)
	if err != nil {
		return window{}, err
	}
	return window{limit, offset}, nil
}

// next is the URL of the page after this one, which showed shown of total
// items: the request's own path and query with offset and limit moved on; nil
// on the last page.
func (w window) next(r *http.Request, shown int, total int64) *string {
	if int64(w.offset+shown) >= total {
		return nil
	}
	q := url.Values{}
	for k, v := range r.URL.Query() {
		q[k] = v
	}
	q.Set("offset", strconv.Itoa(w.offset+shown))
	q.Set("limit", strconv.Itoa(w.limit))
	n := r.URL.Path + "?" + q.Encode()
	return &n
}
