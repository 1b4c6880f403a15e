package fakes

import (
	"context"
	"errors"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestWaitMessages(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken, Channels: []string{"200"}})
	defer d.Close()
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7"}})
	defer tg.Close()
	s := newSession(t, d, testToken)
	bot := newBot(t, tg)
	go s.ChannelMessageSend("200", "later")
	go bot.Send(tgbotapi.NewMessage(7, "later"))

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if m, err := d.WaitMessages(ctx, "200", 1); err != nil || m[0].Content != "later" {
		t.Errorf("discord: %v, %v", m, err)
	}
	if m, err := tg.WaitMessages(ctx, "7", 1); err != nil || m[0].Text != "later" {
		t.Errorf("telegram: %v, %v", m, err)
	}

	short, cancelShort := context.WithCancel(context.Background())
	cancelShort()
	if m, err := d.WaitMessages(short, "200", 2); !errors.Is(err, context.Canceled) || len(m) != 1 {
		t.Errorf("cancelled wait: %d messages, %v", len(m), err)
	}
}
