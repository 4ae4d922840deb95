#include "io/progress.h"

#include <string>
#include <unistd.h>

namespace ddpm {

Progress::Progress(std::FILE* out) : out_(out), tty_(isatty(fileno(out))) {}

static std::string clock_time(double seconds) {
    long s = static_cast<long>(seconds + 0.5);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

void Progress::update(const EpochReport& r) {
    // Rates over this run (a resumed run counts from where it resumed).
    double rate = r.seconds > 0 ? r.run_steps / r.seconds : 0;
    double eta = r.run_epochs ? r.seconds / r.run_epochs * (r.epochs - r.epoch) : 0;
    if (tty_) {
        // Redraw at most 10 times a second, and always at the end.
        if (r.epoch != r.epochs && r.seconds - last_draw_ < 0.1) return;
        last_draw_ = r.seconds;
        const int width = 24;
        int filled = r.epochs ? width * r.epoch / r.epochs : width;
        std::string bar(filled, '#');
        bar += std::string(width - filled, '-');
        std::fprintf(out_, "\r[%s] epoch %d/%d  loss %.4f  %.0f steps/s  ETA %s ", bar.c_str(),
                     r.epoch, r.epochs, r.mean_loss, rate, clock_time(eta).c_str());
    } else {
        int every = r.epochs >= 10 ? r.epochs / 10 : 1;
        if (r.epoch % every != 0 && r.epoch != r.epochs) return;
        std::fprintf(out_, "epoch %d/%d  loss %.4f  %.0f steps/s  elapsed %s  ETA %s\n", r.epoch,
                     r.epochs, r.mean_loss, rate, clock_time(r.seconds).c_str(),
                     clock_time(eta).c_str());
    }
    std::fflush(out_);
}

void Progress::finish() {
    if (tty_ && last_draw_ >= 0) std::fprintf(out_, "\n");
}

}  // namespace ddpm
