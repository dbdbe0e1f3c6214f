using TextAttention.IO;
using System.Diagnostics;
using TextAttention.Cli.Reproduce;
using TextAttention.Attention;
using TextAttention.Data;
using TextAttention.Cli;
using TextAttention.Experiments;
using TextAttention.Models;
using TextAttention.Notebooks;
using TextAttention.NativeFix;
using TextAttention.Text;
using TextAttention.Training;
using TorchSharp;
using static TorchSharp.torch;

// Every figure is a median of repeated timings taken after a warm-up, and every target is a ratio
// of two things measured side by side in this run, because the machine is shared and noisy.
var session = Session.Start(Path.Combine(Repository.Root(), "data"));
var quick = args.Contains("--quick");
// --only 2,4 runs just those figures (by number); the default runs all.
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault()?.Split(',') ?? [];
bool Wanted(string figure) => only.Length == 0 || only.Contains(figure);
var repeats = quick ? 3 : 5;
Console.WriteLine($"TextAttention benchmarks: {Environment.ProcessorCount} cores visible, {session.Threads} TorchSharp threads, {(quick ? "quick" : "full")} mode, median of {repeats}");
Console.WriteLine();

double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

double TimeMedian(Action action, int warmup = 2)
{
    for (var i = 0; i < warmup; i++) action();
    return Median(Enumerable.Range(0, repeats).Select(_ =>
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }));
}

void Row(string figure, string value, string note = "") => Console.WriteLine($"| {figure} | {value} | {note} |");

Console.WriteLine("| figure | measured | note |");
Console.WriteLine("| --- | --- | --- |");

// Shared data: the synthetic corpus at its defaults, encoded once.
var settings = new RunSettings(EmbeddingSize: 128, HiddenSize: 128, MaxLength: 64, BatchSize: 64);
var synthetic = Experiment.Prepare(Corpora.Load("synthetic"), settings);
var batchOptions = new BatchOptions(64, MaxLength: 64);

// The validation pass that Fit runs after each epoch, through the library's one inference path.
Func<Evaluation> Validation(BiLstmClassifier model, PreparedCorpus data, IReadOnlyList<EncodedExample> examples) =>
    () => data.Predictor(model, settings).Evaluate(examples);

// 1. Library overhead: Trainer + Batcher against a hand-written loop over the same batches, model and optimiser.
// The two are measured alternately (raw, library, raw, library, ...) so that changes in the machine's load hit
// both, and the figure is the median of the paired ratios.
if (Wanted("1"))
{
    var steps = quick ? 10 : 30;
    var examples = synthetic.Train.Take(steps * 64).ToList();
    manual_seed(1);
    var model = new BiLstmClassifier(new ClassifierConfig(synthetic.Vocabulary.Count, 4, 128, 128, "han"));
    var batcher = new Batcher(examples, batchOptions);
    var prebuilt = batcher.Batches(shuffle: true, seed: 1).ToList();
    var parameters = model.parameters().ToList();
    var optimizer = optim.Adam(parameters, 2e-3);
    double Raw()
    {
        var clock = Stopwatch.StartNew();
        model.train();
        foreach (var b in prebuilt)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.forward(b.Ids, b.Lengths).Logits, b.Labels);
            loss.backward();
            nn.utils.clip_grad_norm_(parameters, 5.0);
            optimizer.step();
        }

        return prebuilt.Count / clock.Elapsed.TotalSeconds;
    }

    // Steps per second over the library's training steps (batching included; the clock is read at the last
    // batch), and over the whole Fit call, which adds a one-batch validation and test pass and the best-weights copy.
    var tiny = examples.Take(64).ToList();
    (double Steps, double Whole) Library()
    {
        var clock = Stopwatch.StartNew();
        var training = 0.0;
        Trainer.Fit(model, b => model.forward(b.Ids, b.Lengths).Logits, batcher, Validation(model, synthetic, tiny), new TrainingOptions(Epochs: 1),
            onBatch: p => { if (p.Batch == p.Batches) training = clock.Elapsed.TotalSeconds; });
        return (batcher.BatchCount / training, batcher.BatchCount / clock.Elapsed.TotalSeconds);
    }

    Raw();
    Library();
    var pairs = Enumerable.Range(0, 2 * repeats + 1).Select(_ => (Raw: Raw(), Library: Library())).ToList();
    var ratio = Median(pairs.Select(p => p.Library.Steps / p.Raw));
    var wholeRatio = Median(pairs.Select(p => p.Library.Whole / p.Raw));
    Row("1. library ÷ raw training throughput", $"{ratio:F3}",
        $"median of {pairs.Count} alternating pairs: {Median(pairs.Select(p => p.Library.Steps)):F1} vs {Median(pairs.Select(p => p.Raw)):F1} steps/s, " +
        $"BiLSTM E=H=128 + han, batch 64, {steps} steps; whole Fit call with its one-batch evaluations: {wholeRatio:F3} (target ≥ 0.95)");

    // What the library does besides the steps, per epoch of this size: the profile behind the figure above.
    var batching = TimeMedian(() =>
    {
        foreach (var b in batcher.Batches(shuffle: true, seed: 7))
        {
            b.Dispose();
        }
    });
    var evaluation = TimeMedian(() => Validation(model, synthetic, tiny)());
    var copy = TimeMedian(() =>
    {
        var state = model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
        foreach (var tensor in state.Values)
        {
            tensor.Dispose();
        }
    });
    var epoch = steps / Median(pairs.Select(p => p.Raw));
    Row("1a. library work besides the steps", $"{batching * 1000:F1} / {evaluation * 1000:F1} / {copy * 1000:F1} ms",
        $"building an epoch's {steps} batches / evaluating one batch / copying the best weights, against {epoch * 1000:F0} ms of raw steps");
}

// 2. Padding efficiency: real-token share and epoch time with bucketing against padding to the maximum length.
if (Wanted("2"))
{
    foreach (var name in Corpora.Names)
    {
        PreparedCorpus data;
        try
        {
            data = name == Corpora.Synthetic ? synthetic : Experiment.Prepare(Corpora.Load(name, new CorpusOptions(session.DataDirectory, AllowDownload: false)), settings);
        }
        catch (Exception e) when (e is IOException or DataFormatException)
        {
            Row($"2. padding, {name}", "skipped", "corpus not in the data folder");
            continue;
        }

        var subset = data.Train.Take(quick ? 512 : 1_024).ToList();
        manual_seed(1);
        var model = new BiLstmClassifier(new ClassifierConfig(data.Vocabulary.Count, data.Corpus.ClassNames.Count, 128, 128, "han"));
        var tiny = subset.Take(64).ToList();
        double Epoch(bool bucketing, out double share)
        {
            var batcher = new Batcher(subset, batchOptions with { Bucketing = bucketing });
            var clock = Stopwatch.StartNew();
            Trainer.Fit(model, b => model.forward(b.Ids, b.Lengths).Logits, batcher, Validation(model, data, tiny), new TrainingOptions(Epochs: 1));
            share = batcher.RealTokenShare;
            return clock.Elapsed.TotalSeconds;
        }

        // Alternating pairs again: the speed-up is the median of the paired ratios.
        Epoch(true, out var bucketShare);
        Epoch(false, out var paddedShare);
        var pairs = Enumerable.Range(0, repeats).Select(i => (Bucketed: Epoch(true, out _), Padded: Epoch(false, out _))).ToList();
        Row($"2. padding, {name}", $"{bucketShare:P1} real tokens bucketed, {paddedShare:P1} padded to 64",
            $"epoch of {subset.Count} examples: {Median(pairs.Select(p => p.Bucketed)):F2} s vs {Median(pairs.Select(p => p.Padded)):F2} s, " +
            $"speed-up {Median(pairs.Select(p => p.Padded / p.Bucketed)):F2}× (median of {pairs.Count} pairs) (target ≥ 90% real)");
    }
}

// 3. Attention cost against length: forward + backward of each pooling alone, B = 32, D = 256.
if (Wanted("3"))
{
    var lengths = quick ? new[] { 16, 64, 256 } : new[] { 16, 32, 64, 128, 256, 512 };
    foreach (var name in new[] { "dot-self-unmasked", "han-unmasked", "dot-self", "han", "mhsa", "mean" })
    {
        manual_seed(1);
        var pooling = Poolings.Create(name, 256);
        var times = lengths.Select(T =>
        {
            var x = randn(32, T, 256).requires_grad_(true);
            var mask = ones(32, T, dtype: ScalarType.Bool);
            return TimeMedian(() =>
            {
                using var scope = NewDisposeScope();
                pooling.forward(x, mask).Context.sum().backward();
            }) * 1000;
        }).ToList();
        Row($"3. {name}, T = {string.Join("/", lengths)}", string.Join(" / ", times.Select(t => $"{t:F1}")) + " ms", $"ratio last/first {times[^1] / times[0]:F0}× for {lengths[^1] / lengths[0]}× longer");
    }
}

// 4. Closeness to the machine's limit on the published workload: training steps of the classifier (E = H = 64,
// batch 64, han pooling, Adam, clipping) on each corpus's bucketed batches, with the encoder unpacked (each direction
// over the padded batch, the backward one over sequences reversed within their lengths) against the same encoder
// packed (the path before), and both against a large matmul, measured alternately in this run. Useful FLOPs count
// the BiLSTM's work on real tokens only.
if (Wanted("4"))
{
    var a = randn(2048, 2048);
    var b = randn(2048, 2048);
    double MatmulSeconds()
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 3; i++)
        {
            using var scope = NewDisposeScope();
            _ = a.matmul(b);
        }

        return clock.Elapsed.TotalSeconds / 3;
    }

    const int E = 64, H = 64;
    // Multiply-adds per real token: 2 directions × 4 gates × H × (E + H); training ≈ 3× forward; 2 FLOPs each.
    const double flopsPerToken = 2.0 * 3 * 2 * 4 * H * (E + H);
    var published = new RunSettings();
    foreach (var name in Corpora.Names)
    {
        PreparedCorpus data;
        try
        {
            data = Experiment.Prepare(Corpora.Load(name, new CorpusOptions(session.DataDirectory, AllowDownload: false)), published);
        }
        catch (Exception e) when (e is IOException or DataFormatException)
        {
            Row($"4. real workload, {name}", "skipped", "corpus not in the data folder");
            continue;
        }

        var subset = data.Train.Take(quick ? 1_280 : 3_200).ToList();
        var realTokens = subset.Sum(e => (long)Math.Min(e.Ids.Length, published.MaxLength));
        var batches = new Batcher(subset, published.Batching).Batches(shuffle: true, seed: 1).ToList();
        var classes = data.Corpus.ClassNames.Count;

        // After: the library's classifier. Before: the same layers with a packed bidirectional nn.LSTM, as the library had it.
        manual_seed(1);
        var model = new BiLstmClassifier(new ClassifierConfig(data.Vocabulary.Count, classes, E, H, "han"));
        var embedding = nn.Embedding(data.Vocabulary.Count, E, padding_idx: Vocabulary.PadId);
        var lstm = nn.LSTM(E, H, bidirectional: true, batchFirst: true);
        var pooling = Poolings.Create("han", 2 * H);
        var head = nn.Linear(2 * H, classes);
        var dropout = nn.Dropout(0.2);
        Tensor Before(Batch batch)
        {
            var T = batch.Ids.shape[1];
            var packed = nn.utils.rnn.pack_padded_sequence(dropout.forward(embedding.forward(batch.Ids)), batch.Lengths, batch_first: true, enforce_sorted: false);
            var (y, _, _) = lstm.call(packed, null);
            var x = nn.utils.rnn.pad_packed_sequence(y, batch_first: true, total_length: T).Item1;
            return head.forward(dropout.forward(pooling.forward(x, Masking.FromLengths(batch.Lengths, T)).Context));
        }

        var afterParameters = model.parameters().ToList();
        var beforeParameters = new nn.Module[] { embedding, lstm, pooling, head }.SelectMany(m => m.parameters()).ToList();
        var afterOptimizer = optim.Adam(afterParameters, 2e-3);
        var beforeOptimizer = optim.Adam(beforeParameters, 2e-3);
        double Epoch(bool pack)
        {
            var (parameters, optimizer) = pack ? (beforeParameters, beforeOptimizer) : (afterParameters, afterOptimizer);
            model.train();
            dropout.train();
            var clock = Stopwatch.StartNew();
            foreach (var batch in batches)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var logits = pack ? Before(batch) : model.forward(batch.Ids, batch.Lengths).Logits;
                nn.functional.cross_entropy(logits, batch.Labels).backward();
                nn.utils.clip_grad_norm_(parameters, 5.0);
                optimizer.step();
            }

            return clock.Elapsed.TotalSeconds;
        }

        Epoch(pack: true);
        Epoch(pack: false);
        var runs = Enumerable.Range(0, repeats).Select(_ => (Packed: Epoch(true), Equal: Epoch(false), Matmul: MatmulSeconds())).ToList();
        var peak = 2.0 * 2048 * 2048 * 2048 / Median(runs.Select(r => r.Matmul)) / 1e9;
        double Useful(double seconds) => realTokens * flopsPerToken / seconds / 1e9;
        var lengths = subset.Select(e => Math.Min(e.Ids.Length, published.MaxLength)).ToList();
        Row($"4. real workload ÷ matmul, {name}", $"{Median(runs.Select(r => Useful(r.Equal) / (2.0 * 2048 * 2048 * 2048 / r.Matmul / 1e9))):F3}",
            $"unpacked: {Median(runs.Select(r => r.Equal)) / realTokens * 1e6:F1} µs per real token, {Median(runs.Select(r => Useful(r.Equal))):F1} GFLOP/s; " +
            $"packed bidirectional nn.LSTM (before): {Median(runs.Select(r => r.Packed)) / realTokens * 1e6:F1} µs, {Median(runs.Select(r => Useful(r.Packed))):F1} GFLOP/s ({Median(runs.Select(r => Useful(r.Packed) / (2.0 * 2048 * 2048 * 2048 / r.Matmul / 1e9))):F3} of matmul); {batches.Count} bucketed batches; " +
            $"speed-up {Median(runs.Select(r => r.Packed / r.Equal)):F2}×; matmul {peak:F0} GFLOP/s; {subset.Count} examples of {lengths.Min()}–{lengths.Max()} tokens (mean {lengths.Average():F1}), median of {runs.Count} (targets: speed-up ≥ 3, ratio ≥ 0.12)");
    }
}

// 4b. The best case, for reference: an unpacked BiLSTM alone (B = 64, T = 64, E = H = 128, no input gradient).
if (Wanted("4b"))
{
    long B = 64, T = 64, E = 128, H = 128;
    var x = randn(B, T, E);
    manual_seed(1);
    var lstm = nn.LSTM(E, H, bidirectional: true, batchFirst: true);
    void Step()
    {
        using var scope = NewDisposeScope();
        var (y, _, _) = lstm.call(x, null);
        y.sum().backward();
    }

    // Multiply-adds of one LSTM direction per token: 4 gates × H × (E + H); forward + backward ≈ 3× forward; 2 FLOPs each.
    var flops = 2.0 * 3 * 2 * B * T * 4 * H * (E + H);
    var a = randn(2048, 2048);
    var b = randn(2048, 2048);
    void Matmul()
    {
        using var scope = NewDisposeScope();
        _ = a.matmul(b);
    }

    // Each pair times three steps and three products back to back; the figure is the median of the paired ratios.
    double Seconds(Action action)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 3; i++)
        {
            action();
        }

        return clock.Elapsed.TotalSeconds / 3;
    }

    Step();
    Matmul();
    var pairs = Enumerable.Range(0, 2 * repeats + 1).Select(_ => (Step: Seconds(Step), Matmul: Seconds(Matmul))).ToList();
    var achieved = flops / Median(pairs.Select(p => p.Step)) / 1e9;
    var peak = 2.0 * 2048 * 2048 * 2048 / Median(pairs.Select(p => p.Matmul)) / 1e9;
    var ratio = Median(pairs.Select(p => flops / p.Step / (2.0 * 2048 * 2048 * 2048 / p.Matmul)));
    Row("4b. best case: bare BiLSTM step ÷ matmul", $"{ratio:F3}", $"{achieved:F1} vs {peak:F1} GFLOP/s, median of {pairs.Count} pairs (B=64, T=64, E=H=128, unpacked, no input gradient; 2048² matmul)");
}

// 5. Threads: training steps per second at 1 and 2 threads.
if (Wanted("5"))
{
    var examples = synthetic.Train.Take(quick ? 640 : 1_920).ToList();
    var prebuilt = new Batcher(examples, batchOptions).Batches(shuffle: true, seed: 1).ToList();
    double StepsPerSecond(int threads)
    {
        set_num_threads(threads);
        manual_seed(1);
        var model = new BiLstmClassifier(new ClassifierConfig(synthetic.Vocabulary.Count, 4, 128, 128, "han"));
        var parameters = model.parameters().ToList();
        var optimizer = optim.Adam(parameters, 2e-3);
        return 1 / TimeMedian(() =>
        {
            foreach (var b in prebuilt.Take(5))
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                nn.functional.cross_entropy(model.forward(b.Ids, b.Lengths).Logits, b.Labels).backward();
                optimizer.step();
            }
        }, warmup: 1) * 5;
    }

    var one = StepsPerSecond(1);
    var two = StepsPerSecond(2);
    set_num_threads(session.Threads);
    Row("5. steps/s at 1 and 2 threads", $"{one:F2} / {two:F2}", $"speed-up {two / one:F2}× on 2 threads");
}

// 6. Memory: resident set size across 20 epochs of a small run (flat means no native leak).
if (Wanted("6"))
{
    long Rss() => long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    var small = synthetic.Train.Take(640).ToList();
    manual_seed(1);
    var model = new BiLstmClassifier(new ClassifierConfig(synthetic.Vocabulary.Count, 4, 64, 64, "han"));
    var batcher = new Batcher(small, batchOptions);
    var tiny = small.Take(64).ToList();
    var readings = new List<long>();
    Trainer.Fit(model, b => model.forward(b.Ids, b.Lengths).Logits, batcher, Validation(model, synthetic, tiny), new TrainingOptions(Epochs: quick ? 8 : 20),
        onEpoch: _ => { GC.Collect(); readings.Add(Rss()); });
    Row("6. resident memory over epochs", $"{readings[0]} → {readings[^1]} MB", $"epochs 1 → {readings.Count}, highest {readings.Max()} MB; growth after epoch 2: {readings[^1] - readings[1]} MB");
}

// 7. Whole suite: every notebook headless. The CI profile is measured now (skip with --no-suite); the full
// profile takes about 20 minutes, so it is read from the timings that `reproduce --profile full` recorded,
// unless --full-suite asks to measure it here too (which rewrites the committed results with the same numbers).
if (Wanted("7"))
{
    var root = Repository.Root();
    var timings = Path.Combine(root, "notebooks", "results", "timings-full.csv");
    string PerNotebook(IEnumerable<(string Notebook, double Seconds)> rows) =>
        string.Join(", ", rows.Select(r => $"{r.Notebook[..2]}: {r.Seconds:F0} s"));
    void Suite(Profile profile, double targetMinutes)
    {
        var runner = new NotebookRunner(root, profile, TimeSpan.FromMinutes(30));
        runner.Prepare(TextWriter.Null);
        var output = Directory.CreateTempSubdirectory("textattention-suite-").FullName;
        var clock = Stopwatch.StartNew();
        var runs = runner.Notebooks().Select(n => runner.Run(n, output)).ToList();
        var name = profile.ToString().ToLowerInvariant();
        Row($"7. whole suite, {name} profile", $"{clock.Elapsed.TotalMinutes:F1} min",
            $"measured now, {runs.Count(r => r.Succeeded)} of {runs.Count} notebooks ran cleanly; {PerNotebook(runs.Select(r => (Path.GetFileName(r.Notebook), r.Elapsed.TotalSeconds)))} (target ≤ {targetMinutes} min)");
    }

    if (args.Contains("--no-suite"))
    {
        Row("7. whole suite, ci profile", "skipped", "--no-suite");
    }
    else
    {
        Suite(Profile.Ci, 8);
    }

    if (args.Contains("--full-suite"))
    {
        Suite(Profile.Full, 60);
    }
    else if (File.Exists(timings))
    {
        var rows = NotebookTimings.Read(timings);
        var total = rows.Single(r => r.Notebook == "total");
        Row("7. whole suite, full profile", $"{total.Seconds / 60:F1} min",
            $"recorded by `reproduce --profile full` in notebooks/results/timings-full.csv{(total.Ok ? "" : " (a notebook FAILED)")}; " +
            $"{PerNotebook(rows.Where(r => r.Notebook != "total").Select(r => (r.Notebook, r.Seconds)))} (target ≤ 60 min)");
    }
    else
    {
        Row("7. whole suite, full profile", "not recorded", "run `reproduce --profile full` (or this harness with --full-suite) first");
    }
}

// 8. Grid throughput: runs per hour for the same small grid trained as 1 process × 2 threads and as 2 worker
// processes × 1 thread each (the layout the published profile uses). The one-process layout trains inside this
// process, so it pays no worker start-up; the workers do (start, load and prepare the corpus).
if (Wanted("8"))
{
    var corpus = Corpora.Load("synthetic");
    var gridSettings = ComparisonPlan.Full.Settings with { Training = ComparisonPlan.Full.Settings.TrainingOrDefault with { Epochs = quick ? 1 : 2, Patience = null } };
    string[] poolings = ["han", "mean"];
    int[] seeds = [1, 2];
    double RunsPerHour(int workers, int threads)
    {
        var runSettings = gridSettings with { Threads = threads };
        var runner = new GridRunner(new RunData([corpus]))
        {
            Executor = workers > 1 ? new TextAttention.Workers.WorkerProcessExecutor(workers) : new InProcessExecutor(),
        };
        var specs = poolings.SelectMany(p => seeds.Select(s => new RunSpec(corpus.Name, corpus.Fingerprint, p, s, runSettings))).ToList();
        var clock = Stopwatch.StartNew();
        var runs = runner.Run(specs);
        return runs.Count / clock.Elapsed.TotalHours;
    }

    var oneByTwo = RunsPerHour(1, 2);
    var twoByOne = RunsPerHour(2, 1);
    set_num_threads(session.Threads);
    Row("8. grid throughput, 1 × 2 threads vs 2 workers × 1 thread", $"{oneByTwo:F0} / {twoByOne:F0} runs/h",
        $"{twoByOne / oneByTwo:F2}× with two workers; {poolings.Length * seeds.Length} runs of the published settings, {gridSettings.TrainingOrDefault.Epochs} epoch(s) on the synthetic corpus ({corpus.Train.Count:N0} training texts)");
}
