//! The date and playback.

use crate::app::App;
use crate::app::command::Time;

impl App {
    pub(super) fn apply_time(&mut self, ctx: &egui::Context, t: Time) {
        let tl = self.world.timeline.clone();
        let (first, last) = tl.snapshot().span();
        match t {
            Time::SetDate(d) => self.date = self.clamp(d),
            Time::PrevEvent => {
                if let Some(d) = tl.prev_event_day(self.date) {
                    self.date = d;
                }
            }
            Time::NextEvent => {
                if let Some(d) = tl.next_event_day(self.date) {
                    self.date = d;
                }
            }
            Time::First => self.date = first,
            Time::Last => self.date = last,
            Time::TogglePlay => {
                self.playing = !self.playing;
                self.play_carry = 0.0;
                if self.playing && self.date >= last {
                    self.date = first;
                }
            }
            Time::SetSpeed(s) => self.state.speed_days_per_s = s,
            Time::SetSnap(on) => self.state.snap_to_events = on,
            Time::SetSharingMarks(on) => self.state.show_sharing_marks = on,
            Time::Autoplay(pace) => {
                self.autoplay = pace;
                self.autoplay_carry = 0.0;
            }
            Time::Tick(dt) => {
                self.play(dt, last);
                self.autoplay_step(dt);
                ctx.request_repaint();
            }
        }
    }

    /// Playback: the days that `dt` seconds make at the chosen speed.
    fn play(&mut self, dt: f64, last: crate::model::Date) {
        if !self.playing {
            return;
        }
        self.play_carry += dt * self.state.speed_days_per_s;
        let days = self.play_carry.floor();
        if days >= 1.0 {
            self.play_carry -= days;
            let next = self.date + chrono::Duration::days(days as i64);
            if next >= last {
                self.date = last;
                self.playing = false;
            } else {
                self.date = next;
            }
        }
    }

    /// Presenter autoplay: the next event every so many seconds, then stop.
    fn autoplay_step(&mut self, dt: f64) {
        let Some(pace) = self.autoplay else { return };
        self.autoplay_carry += dt;
        if self.autoplay_carry >= pace {
            self.autoplay_carry = 0.0;
            match self.world.timeline.next_event_day(self.date) {
                Some(d) => self.date = d,
                None => self.autoplay = None,
            }
        }
    }
}
