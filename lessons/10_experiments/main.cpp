// Lesson 10: experiments. The notebook's recipe is one choice among many; this lesson measures
// the others instead of asserting them.
//
// It trains one model per (schedule, number of steps, step embedding), then samples each with
// three samplers, from the raw and from the EMA weights, and scores every result against the
// noise floor (lib/data/metrics.cpp). It prints the table, writes it with the command and the
// machine to docs/experiments.md, and draws experiments.png (a row per trained model).
//
//   make                 the default sweep: a small budget, a few minutes on 2 cores
//   FULL=1 make          the notebook's budget (4000 epochs over 10,000 points): hours
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "../figures.h"
#include "../lesson.h"
#include "data/datasets.h"
#include "data/metrics.h"
#include "diffusion/sampler.h"
#include "diffusion/train.h"
#include "io/atomic_file.h"
#include "render/markup.h"
#include "render/plot.h"

namespace {

struct Row {
    std::string schedule, embedding, sampler, weights;
    int steps = 0;
    double train_seconds = 0;
    ddpm::QualityReport q;
};

// A panel's setting in two short lines: the model, then how it was sampled.
std::string panel_title(const std::string& schedule, int T, const std::string& embedding,
                        const std::string& sampler, const std::string& weights) {
    const std::string how = sampler == "notebook"     ? "notebook's sampler"
                            : sampler == "algorithm2" ? "Algorithm 2"
                                                      : "DDIM, 20 steps";
    return schedule + ", T = " + std::to_string(T) + ", " + embedding + "\n" + how + ", " +
           (weights == "ema" ? "EMA" : "raw");
}

// The CPU's model name, for the pages' machine line.
std::string cpu_model() {
    std::ifstream cpu("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpu, line))
        if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
    return "unknown CPU";
}

// What both pages say about the run that made them.
struct RunFacts {
    std::string command, date, cpu;
    int threads = 0, epochs = 0, n_train = 0, n_eval = 0;
    double floor_swd = 0, floor_precision = 0;
};

// The table's rows, best first by sliced Wasserstein; the same in both languages.
std::string table_rows(const std::vector<Row>& rows) {
    std::vector<size_t> order(rows.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return rows[a].q.model.swd < rows[b].q.model.swd; });
    std::string md;
    for (size_t i : order) {
        const Row& r = rows[i];
        char line[256];
        std::snprintf(line, sizeof line,
                      "| %s | %d | %s | %s | %s | %.2f | %.4f | %.3f | %.3f | %.1f |\n",
                      r.schedule.c_str(), r.steps, r.embedding.c_str(), r.sampler.c_str(),
                      r.weights.c_str(), r.q.model.swd / r.q.floor.swd, r.q.model.mmd,
                      r.q.model.precision, r.q.model.recall, r.train_seconds);
        md += line;
    }
    return md;
}

std::string english_page(const RunFacts& f, const std::string& rows) {
    char floor[96];
    std::snprintf(floor, sizeof floor, "SWD %.5f, precision %.3f", f.floor_swd, f.floor_precision);
    std::string md = "# Experiments\n\n[中文](zh-CN/experiments.md)\n\n";
    md += "Written by lesson 10 (`lessons/10_experiments`): `" + f.command +
          "` in that folder, on " + f.date + ", " + f.cpu + ", " + std::to_string(f.threads) +
          " threads. ";
    md += "Each model trained " + std::to_string(f.epochs) + " epochs over " +
          std::to_string(f.n_train) + " S-curve points (seed 1234); each row samples " +
          std::to_string(f.n_eval) + " points and compares them with a fresh true sample. ";
    md += std::string("The noise floor (two true samples) is ") + floor + ".\n\n";
    md += "## The table\n\n";
    md += "| schedule | T | embedding | sampler | weights | SWD / floor | MMD² |";
    md += " precision | recall | train s |\n";
    md += "|---|---|---|---|---|---|---|---|---|---|\n" + rows;
    md +=
        "\nSamplers: `notebook` is sigma² = beta with noise at the last step; `algorithm2` is "
        "DDPM's Algorithm 2 (posterior variance, no noise at the last step); `ddim20` is DDIM "
        "with 20 steps, eta = 0. Weights: `raw`, or `ema` (mu = 0.01).\n";
    return md;
}

// The same page in Chinese; the table's cells keep the names the tools and the code use.
std::string chinese_page(const RunFacts& f, const std::string& rows) {
    char floor[96];
    std::snprintf(floor, sizeof floor, "SWD %.5f，精确率 %.3f", f.floor_swd, f.floor_precision);
    std::string md = "# 实验\n\n[English](../experiments.md)\n\n";
    md += "由第 10 课（`lessons/10_experiments`）写出：在该目录中运行 `" + f.command + "`，" +
          f.date + "，" + f.cpu + "，" + std::to_string(f.threads) + " 个线程。";
    md += "每个模型在 " + std::to_string(f.n_train) + " 个 S 曲线点上训练 " +
          std::to_string(f.epochs) + " 个 epoch（种子 1234）；每一行采样 " +
          std::to_string(f.n_eval) + " 个点，与一份新的真实样本比较。";
    md += std::string("噪声下限（两份真实样本之间）为 ") + floor + "。\n\n";
    md += "## 结果表\n\n";
    md += "| 调度 | T | 步嵌入 | 采样器 | 权重 | SWD / 下限 | MMD² | 精确率 | 召回率 | 训练秒数 |";
    md += "\n|---|---|---|---|---|---|---|---|---|---|\n" + rows;
    md +=
        "\n采样器：`notebook` 是 sigma² = beta，最后一步也加噪声；`algorithm2` 是 DDPM 的"
        "算法 2（后验方差，最后一步不加噪声）；`ddim20` 是 20 步的 DDIM，eta = 0。"
        "权重：`raw` 是原始权重，`ema` 是滑动平均（mu = 0.01）。\n";
    return md;
}

}  // namespace

int main(int argc, char** argv) {
    lesson::Checks check = lesson::parse_args(argc, argv);
    lesson::set_up_like_the_tools();  // every core, denormals flushed (lessons/lesson.h)

    const bool full = std::getenv("FULL") && std::string(std::getenv("FULL")) == "1";
    // The budget: the notebook's with FULL=1; small by default; tiny for --check.
    const int epochs = full          ? 4000
                       : check.quick ? 4
                                     : 150,
              n_train = full          ? 10000
                        : check.quick ? 512
                                      : 2000;
    const int n_eval = check.quick ? 300 : 1000;
    const std::vector<std::string> schedules =
        check.quick ? std::vector<std::string>{"sigmoid", "cosine"}
                    : std::vector<std::string>{"sigmoid", "linear", "cosine"};
    const std::vector<int> step_counts =
        check.quick ? std::vector<int>{50} : std::vector<int>{50, 100, 1000};
    std::printf("sweep: %d epochs over %d points per model (%s)\n\n", epochs, n_train,
                full ? "FULL=1: the notebook's budget" : "FULL=1 make for the notebook's budget");

    // The 2-D data sets the tools offer (ddpm train --dataset NAME): the sweep uses the S-curve.
    std::vector<ddpm::Tensor> sets;
    std::vector<std::string> names = {"s_curve", "swiss_roll",      "moons",
                                      "circles", "eight_gaussians", "checkerboard"};
    std::vector<std::string> flags;  // the names as typed on the command line, not as markup
    for (const std::string& name : names) {
        sets.push_back(ddpm::make_dataset(name, 2000, 1234));
        flags.push_back("--dataset " + ddpm::markup_escape(name));
    }
    lesson::save_figure(
        ddpm::panel_figure(sets, flags, 1, 6,
                           ddpm::ScatterStyle{1.2f, ddpm::colors::red, ddpm::colors::white, 0.4f},
                           nullptr, 180, 200),
        "datasets", lesson::Svg::on_request);
    std::printf("wrote datasets.png (the six data sets)\n");

    ddpm::Tensor data = ddpm::make_dataset("s_curve", n_train, 1234);
    ddpm::Tensor real_a = ddpm::make_dataset("s_curve", n_eval, 99),
                 real_b = ddpm::make_dataset("s_curve", n_eval, 100);
    std::vector<Row> rows;
    std::vector<ddpm::Tensor> panels;
    std::vector<std::string> titles;
    int models = 0;
    for (const std::string& schedule : schedules)
        for (int T : step_counts)
            for (auto embedding : {ddpm::ModelConfig::Embedding::learned,
                                   ddpm::ModelConfig::Embedding::sinusoidal}) {
                ddpm::ModelConfig mc;
                mc.num_steps = T;
                mc.embedding = embedding;
                ddpm::TrainConfig cfg;
                cfg.epochs = epochs;
                ddpm::Trainer tr(mc, cfg, ddpm::Schedule::by_name(schedule, T), 1234);
                auto t0 = std::chrono::steady_clock::now();
                tr.train(data, nullptr);
                double seconds =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                ++models;
                const std::string emb =
                    embedding == ddpm::ModelConfig::Embedding::learned ? "learned" : "sinusoidal";
                // Three samplers, from the same x_T: the notebook's; DDPM's Algorithm 2; DDIM with
                // 20 steps (eta = 0). Each from the raw and from the EMA weights.
                for (const char* weights : {"raw", "ema"}) {
                    ddpm::MLPDiffusion model =
                        std::string(weights) == "ema" ? ddpm::ema_model(tr) : tr.model;
                    for (const char* sampler : {"notebook", "algorithm2", "ddim20"}) {
                        ddpm::Rng rng(7);
                        ddpm::Tensor x_T = ddpm::randn(n_eval, 2, rng);
                        // By name, from lib's vocabulary (lib/diffusion/sampler.h); DDIM's 20
                        // steps are at most T.
                        ddpm::Sampler how = ddpm::parse_sampler(sampler);
                        how.steps = std::min(how.steps, T);
                        const ddpm::Tensor seq =
                            ddpm::sample(ddpm::Denoiser{&model}, x_T, tr.sched, rng, how);
                        ddpm::Tensor samples = seq.frame(seq.dim(0) - 1);
                        Row r{schedule,
                              emb,
                              sampler,
                              weights,
                              T,
                              seconds,
                              ddpm::evaluate_quality(samples, real_a, real_b)};
                        rows.push_back(r);
                        panels.push_back(samples);
                        titles.push_back(panel_title(schedule, T, emb, sampler, weights));
                        std::printf(
                            "%-8s T=%-5d %-10s %-10s %-3s  SWD %.5f (%.2fx floor)  precision %.3f  "
                            "recall %.3f\n",
                            schedule.c_str(), T, emb.c_str(), sampler, weights, r.q.model.swd,
                            r.q.model.swd / r.q.floor.swd, r.q.model.precision, r.q.model.recall);
                    }
                }
            }

    // The table, with the command and the machine, in English and in Chinese.
    char date[32];
    std::time_t now = std::time(nullptr);
    std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
    const RunFacts facts{full ? "FULL=1 make" : "make",
                         date,
                         cpu_model(),
                         ddpm::num_threads(),
                         epochs,
                         n_train,
                         n_eval,
                         rows[0].q.floor.swd,
                         rows[0].q.floor.precision};
    const std::string table = table_rows(rows);
    const std::string out_md = check.quick ? "experiments.md" : "../../docs/experiments.md";
    ddpm::write_file_atomic(out_md, english_page(facts, table));
    const std::string zh_md =
        check.quick ? "experiments.zh-CN.md" : "../../docs/zh-CN/experiments.md";
    ddpm::write_file_atomic(zh_md, chinese_page(facts, table));
    lesson::save_figure(
        ddpm::panel_figure(panels, titles, models, 6,
                           ddpm::ScatterStyle{1.1f, ddpm::colors::red, ddpm::colors::red, 0.0f},
                           nullptr, 190, 190),
        "experiments", lesson::Svg::on_request);
    std::printf("\nwrote %s and experiments.png (%d models x 6 ways to sample)\n\n", out_md.c_str(),
                models);

    check.that(static_cast<int>(rows.size()) == models * 6, "every model sampled six ways");
    bool finite = true;
    for (const Row& r : rows) finite &= std::isfinite(r.q.model.swd) && r.q.model.precision >= 0;
    check.that(finite, "every result scored");
    return check.finish();
}
