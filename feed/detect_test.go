package feed

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/text/encoding/htmlindex"
)

// Sample sentences for detection, one a language.
const (
	textFrench     = "Le président de la République a annoncé mercredi une réforme des retraites très contestée ; les syndicats appellent à la grève générale à partir du 5 décembre."
	textPortuguese = "O candidato à presidência não tem o mesmo desempenho nas simulações de segundo turno, segundo a pesquisa divulgada nesta segunda-feira."
	textGerman     = "Die Bundesregierung plant für das nächste Jahr höhere Ausgaben für Straßen und Brücken."
	textEnglish    = "The minister said “we’re ready” — but critics weren’t convinced…"
	textRussian    = "Правительство России объявило о новых мерах поддержки экономики. Министр финансов заявил, что бюджет будет сбалансирован в следующем году."
	textHebrew     = "הממשלה אישרה היום את תקציב המדינה לשנה הבאה. שר האוצר אמר כי הגירעון יקטן בשנים הקרובות."
	textGreek      = "Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα για την οικονομία. Ο υπουργός οικονομικών δήλωσε ότι ο προϋπολογισμός θα είναι ισοσκελισμένος."
	textChinese    = "国务院总理今天在北京主持召开常务会议，部署进一步扩大内需和稳定就业的政策措施。"
	textTaiwanese  = "行政院長今天在台北主持會議，宣布將擴大公共建設投資，並穩定就業市場。"
	textJapanese   = "政府は今日、新しい経済対策を発表しました。首相は記者会見で、雇用の安定を最優先にすると述べました。"
	textKorean     = "정부는 오늘 새로운 경제 대책을 발표했습니다. 대통령은 기자회견에서 고용 안정을 최우선으로 하겠다고 말했습니다."
)

// encodeIn encodes UTF-8 text in the named encoding.
func encodeIn(t testing.TB, name, text string) []byte {
	t.Helper()
	enc, err := htmlindex.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	out, err := enc.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatalf("encode %q in %s: %v", text, name, err)
	}
	return out
}

// undeclaredFeed wraps encoded title text in an RSS document that declares
// no encoding.
func undeclaredFeed(title []byte) []byte {
	var b bytes.Buffer
	b.WriteString("<rss version=\"2.0\"><channel><title>News</title><item><title>")
	b.Write(title)
	b.WriteString("</title><link>https://news.example/1</link></item></channel></rss>")
	return b.Bytes()
}

func TestDetectCharset(t *testing.T) {
	tests := []struct {
		text, charset string
	}{
		{textFrench, "windows-1252"},
		{textPortuguese, "windows-1252"},
		{textGerman, "windows-1252"},
		{textEnglish, "windows-1252"},
		{textRussian, "windows-1251"},
		{textRussian, "koi8-r"},
		{textHebrew, "windows-1255"},
		{textGreek, "windows-1253"},
		{textChinese, "gbk"},
		{textTaiwanese, "big5"},
		{textJapanese, "shift_jis"},
		{textJapanese, "euc-jp"},
		{textKorean, "euc-kr"},
	}
	for _, tt := range tests {
		t.Run(tt.charset+"/"+string([]rune(tt.text)[:8]), func(t *testing.T) {
			doc := undeclaredFeed(encodeIn(t, tt.charset, tt.text))
			if got := detectCharset(doc); got != tt.charset {
				t.Errorf("detected %s, want %s", got, tt.charset)
			}
			d := decode(doc, "")
			if !bytes.Contains(d.data, []byte(tt.text)) || d.source != fromDetection {
				t.Errorf("decoded %s by %s: %q", d.charset, d.source, d.data)
			}
		})
	}
}

// TestDetectCorpusUndeclared takes the real feeds of the shared corpus that
// declare a legacy encoding, removes the declaration, and checks that
// detection finds the encoding they declared.
func TestDetectCorpusUndeclared(t *testing.T) {
	dir := sharedDir(t, "corpus/feeds")
	files := []string{
		"blogs/ibash-windows-1251.rss",
		"news/dvbbs-gb2312.rss",
		"news/golem-de-iso8859-1.rss",
		"news/jornal-de-noticias-iso8859-1.rss",
		"edge-cases/miniflux/koi8r.xml",
		"edge-cases/miniflux/windows-1252.xml",
	}
	for _, name := range files {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
			if err != nil {
				t.Fatal(err)
			}
			declared := declaredEncoding(data)
			if declared == "" {
				t.Fatal("no declared encoding")
			}
			_, want := lookupEncoding(declared)
			stripped := dropDeclaredEncoding(data)
			if declaredEncoding(stripped) != "" {
				t.Fatal("declaration not dropped")
			}
			if got := detectCharset(stripped); got != want {
				t.Errorf("detected %s, declared %s", got, want)
			}
		})
	}
}
