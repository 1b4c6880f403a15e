package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldhq/herald/bots"
)

// InteractionsPath is the path the lead suggests for the interactions
// endpoint on Herald's HTTP listener; Discord's developer portal is given
// the public URL that reaches it ("Interactions Endpoint URL").
const InteractionsPath = "/discord/interactions"

// MaxInteractionBody is the largest interaction the endpoint reads, in
// bytes; a larger one is refused with 413. Herald's interactions (slash
// commands, autocompletions, a press of a button on one of its posts) are
// a few kilobytes at most.
const MaxInteractionBody = 256 << 10

// MaxInteractionSkew is how far the signed timestamp of a request may be
// from the local clock, either way. An older request is refused with 401
// even when its signature is good, so a recorded request cannot be
// replayed later.
const MaxInteractionSkew = 5 * time.Minute

// ParsePublicKey parses the application's public key as the developer
// portal shows it: 64 hexadecimal digits.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	s = strings.TrimSpace(s)
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("discord public key: not hexadecimal: %w", err)
	}
	if len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("discord public key: %d bytes, want %d (%d hexadecimal digits)",
			len(b), ed25519.PublicKeySize, 2*ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}

// InteractionsHandler returns the handler of the HTTP interactions
// endpoint: Discord POSTs each interaction there instead of sending it on
// the gateway, once the application's Interactions Endpoint URL is set.
// Any replica can take any interaction: nothing of it is kept in memory
// between requests.
//
// Every request must carry a valid Ed25519 signature by publicKey (header
// X-Signature-Ed25519, in hex) of the X-Signature-Timestamp header
// followed by the raw body, and that timestamp (Unix seconds) must be
// within MaxInteractionSkew of now; otherwise the answer is 401 and
// nothing else is done. Other methods than POST get 405, bodies over
// MaxInteractionBody 413. A PING is answered with a PONG; commands,
// autocompletions and button presses get the answers they get on the
// gateway, the first one in the HTTP response (a message, a deferral or
// autocompletion choices, within Discord's three seconds) and the slow
// rest over REST, by editing the deferred response. A publicKey that is
// not ed25519.PublicKeySize bytes (see ParsePublicKey) refuses everything.
func (b *Bot) InteractionsHandler(handler *bots.Handler, publicKey ed25519.PublicKey) http.Handler {
	if len(publicKey) != ed25519.PublicKeySize {
		b.log.Error("discord interactions endpoint has no valid public key; every request will be refused")
		publicKey = nil
	}
	return &interactionsEndpoint{b: b, handler: handler, key: publicKey}
}

// interactionsEndpoint serves Discord's interaction POSTs.
type interactionsEndpoint struct {
	b       *Bot
	handler *bots.Handler
	key     ed25519.PublicKey // nil refuses every request
}

// errOversize reports a body over MaxInteractionBody.
var errOversize = errors.New("body too large")

// verifyInteraction checks a request's signature and timestamp against
// key and returns its body, or the HTTP status to refuse it with (401 or
// 413) and why. now is the time to judge the timestamp by.
func verifyInteraction(r *http.Request, key ed25519.PublicKey, now time.Time) ([]byte, int, error) {
	if len(key) != ed25519.PublicKeySize {
		return nil, http.StatusUnauthorized, errors.New("no public key")
	}
	sigHex := r.Header.Get("X-Signature-Ed25519")
	stamp := r.Header.Get("X-Signature-Timestamp")
	if sigHex == "" || stamp == "" {
		return nil, http.StatusUnauthorized, errors.New("signature headers missing")
	}
	sig, err := hex.DecodeString(sigHex)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, http.StatusUnauthorized, errors.New("malformed signature")
	}
	if r.ContentLength > MaxInteractionBody {
		return nil, http.StatusRequestEntityTooLarge, errOversize
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxInteractionBody+1))
	if err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("read body: %w", err)
	}
	if len(body) > MaxInteractionBody {
		return nil, http.StatusRequestEntityTooLarge, errOversize
	}
	msg := make([]byte, 0, len(stamp)+len(body))
	msg = append(append(msg, stamp...), body...)
	if !ed25519.Verify(key, msg, sig) {
		return nil, http.StatusUnauthorized, errors.New("bad signature")
	}
	secs, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return nil, http.StatusUnauthorized, errors.New("malformed timestamp")
	}
	if d := now.Sub(time.Unix(secs, 0)); d > MaxInteractionSkew || d < -MaxInteractionSkew {
		return nil, http.StatusUnauthorized, fmt.Errorf("timestamp %s off by %s", stamp, d.Round(time.Second))
	}
	return body, 0, nil
}

func (e *interactionsEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	received := time.Now()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, status, err := verifyInteraction(r, e.key, received)
	if err != nil {
		// Discord itself sends badly signed requests to check that they
		// are refused; they are no news.
		e.b.log.Debug("discord: interaction request refused", "status", status, "reason", err)
		http.Error(w, http.StatusText(status), status)
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		e.b.log.Warn("discord: undecodable interaction", "err", err)
		http.Error(w, "undecodable interaction", http.StatusBadRequest)
		return
	}
	switch i.Type {
	case discordgo.InteractionPing:
		writeInteractionResponse(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete,
		discordgo.InteractionMessageComponent:
		e.serve(w, r, &i, body, received)
	default:
		http.Error(w, "unsupported interaction type", http.StatusBadRequest)
	}
}

// serve answers a command, autocompletion or button press: the shared
// interaction code runs in a goroutine of its own, which outlives the
// request when it defers, and hands its first response to this one to
// write.
func (e *interactionsEndpoint) serve(w http.ResponseWriter, r *http.Request, i *discordgo.Interaction, raw []byte, received time.Time) {
	responses := make(chan *discordgo.InteractionResponse)
	finished := make(chan struct{}) // the interaction code returned
	written := make(chan struct{})  // this request's answer is written
	var writeErr error              // set before written is closed
	respond := func(ctx context.Context, resp *discordgo.InteractionResponse) error {
		select {
		case responses <- resp:
		case <-written:
			return errors.New("discord: interaction request already answered")
		case <-ctx.Done():
			return ctx.Err()
		}
		// The deferred answer is edited only after Discord can have
		// the deferral: once ServeHTTP returned.
		<-written
		return writeErr
	}
	go func() {
		defer close(finished)
		defer e.b.recoverInteraction()
		e.b.interact(e.handler, i, raw, received, respond)
	}()
	timer := time.NewTimer(discordgo.InteractionDeadline - time.Since(received))
	defer timer.Stop()
	defer close(written)
	select {
	case resp := <-responses:
		writeErr = writeInteractionResponse(w, resp)
	case <-finished:
		// Nothing to answer, as for a button Herald did not make.
		http.Error(w, "interaction not handled", http.StatusBadRequest)
	case <-timer.C:
		e.b.log.Warn("discord: interaction not answered in time", "type", i.Type)
		http.Error(w, "interaction not answered in time", http.StatusServiceUnavailable)
	case <-r.Context().Done():
		writeErr = r.Context().Err()
	}
}

// writeInteractionResponse writes an interaction response as the body of
// a 200 answer.
func writeInteractionResponse(w http.ResponseWriter, resp *discordgo.InteractionResponse) error {
	body, err := json.Marshal(resp)
	if err != nil {
		http.Error(w, "cannot encode the response", http.StatusInternalServerError)
		return fmt.Errorf("discord: encode interaction response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("discord: write interaction response: %w", err)
	}
	return nil
}

// ApplicationID returns the bot's application ID, read over REST (GET
// /oauth2/applications/@me), for RegisterCommands without the gateway's
// READY.
func (b *Bot) ApplicationID(ctx context.Context) (string, error) {
	endpoint := discordgo.EndpointOAuth2Application("@me")
	done, err := b.global.Wait(ctx)
	if err != nil {
		return "", err
	}
	body, err := b.s.RequestWithBucketID(http.MethodGet, endpoint, nil, endpoint, discordgo.WithContext(ctx))
	done()
	if err != nil {
		return "", fmt.Errorf("discord GET /oauth2/applications/@me: %w", describe(err))
	}
	var app discordgo.Application
	if err := json.Unmarshal(body, &app); err != nil {
		return "", fmt.Errorf("discord: decode application: %w", err)
	}
	if app.ID == "" {
		return "", errors.New("discord: the application has no ID")
	}
	return app.ID, nil
}

// RegisterCommands overwrites the application's commands with
// CommandDefinitions, in guildID or globally when guildID is empty, over
// REST alone: a replica that takes interactions over HTTP and never opens
// the gateway calls it instead of EnableCommands. Overwriting with the
// same commands changes nothing, so every replica may call it.
func (b *Bot) RegisterCommands(ctx context.Context, guildID string) error {
	appID, err := b.ApplicationID(ctx)
	if err != nil {
		return err
	}
	cmds := CommandDefinitions()
	done, err := b.global.Wait(ctx)
	if err != nil {
		return err
	}
	_, err = b.s.ApplicationCommandBulkOverwrite(appID, guildID, cmds, discordgo.WithContext(ctx))
	done()
	if err != nil {
		return fmt.Errorf("discord: register commands: %w", describe(err))
	}
	scope := "global"
	if guildID != "" {
		scope = "guild " + guildID
	}
	b.log.Info("discord commands registered", "scope", scope, "commands", len(cmds))
	return nil
}
