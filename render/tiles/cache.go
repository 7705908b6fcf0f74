package tiles

import (
	"container/list"
	"sync"
)

// lru keeps the most recently used tiles up to a number of bytes: tiles are
// small and many, and a map scrolled back and forth asks for the same ones.
type lru struct {
	mu    sync.Mutex
	max   int64
	size  int64
	order *list.List // front: most recent; values are *entry
	byKey map[string]*list.Element
}

type entry struct {
	key string
	b   []byte
}

func newLRU(maxBytes int64) *lru {
	return &lru{max: maxBytes, order: list.New(), byKey: map[string]*list.Element{}}
}

// cost counts a tile's bytes and its key, and a little for the bookkeeping.
func cost(key string, b []byte) int64 { return int64(len(key) + len(b) + 64) }

func (c *lru) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*entry).b, true
}

func (c *lru) put(key string, b []byte) {
	n := cost(key, b)
	if n > c.max {
		return // larger than the whole cache: serve it, keep nothing
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		c.size -= cost(key, e.Value.(*entry).b)
		e.Value.(*entry).b = b
		c.size += n
		c.order.MoveToFront(e)
	} else {
		c.byKey[key] = c.order.PushFront(&entry{key, b})
		c.size += n
	}
	for c.size > c.max {
		e := c.order.Back()
		old := e.Value.(*entry)
		c.order.Remove(e)
		delete(c.byKey, old.key)
		c.size -= cost(old.key, old.b)
	}
}

func (c *lru) stats() (int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byKey), c.size
}

func (c *lru) purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	c.byKey = map[string]*list.Element{}
	c.size = 0
}
