package server_test

import (
	"encoding/json"
	"testing"
	"time"

	"frontline/geo"
	"frontline/internal/server"
)

// An article body is read strictly or refused with EINVALID: never a
// panic, never an article without its publication time, and what is read
// survives being written and read again.
func FuzzDecodeArticle(f *testing.F) {
	for _, s := range []string{
		`{"text":"Rebels said they had captured Homs.","url":"https://example.org/a","outlet":"Wire","published":"2024-12-08T12:00:00Z"}`,
		`{"text":"Homs","published":"2024-12-08"}`,
		`{"text":"Homs","published":"2024-12-08T12:00:00+03:00","extra":1}`,
		`{"text":"\u062d\u0645\u0635","published":"2024-12-08T12:00:00Z"} {}`,
		`{"text":null,"published":"2024-12-08T12:00:00Z"}`,
		`[]`, `{"published":"Sunday"}`, `{"text":"x","published":"2024-13-45T99:00:00Z"}`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		art, err := server.DecodeArticle(body)
		if err != nil {
			if geo.ErrorCode(err) != geo.EINVALID {
				t.Fatalf("refused with %v, want EINVALID", err)
			}
			return
		}
		if art.Published.IsZero() || art.Published.Location() != time.UTC {
			t.Fatalf("read an article published at %v", art.Published)
		}
		again, err := json.Marshal(server.ArticleRequest{Text: art.Text, URL: art.URL, Outlet: art.Outlet, Published: art.Published.Format(time.RFC3339Nano)})
		if err != nil {
			t.Fatal(err)
		}
		art2, err := server.DecodeArticle(again)
		if err != nil || art2.Text != art.Text || art2.URL != art.URL || art2.Outlet != art.Outlet || !art2.Published.Equal(art.Published) {
			t.Fatalf("did not survive a round trip: %+v then %+v (%v)", art, art2, err)
		}
	})
}
