using System.Diagnostics;
using TextAttention.Attention;
using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.Models;
using TextAttention.Platform;
using TextAttention.Text;
using TextAttention.Training;
using TorchSharp;
using static TorchSharp.torch;

// Every figure is a median of repeated timings taken after a warm-up, and every target is a ratio
// of two things measured side by side in this run, because the machine is shared and noisy.
var session = Session.Start();
var quick = args.Contains("--quick");
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

// 1. Library overhead: Trainer + Batcher against a hand-written loop over the same batches, model and optimiser.
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

    var tiny = new Batcher(examples.Take(64).ToList(), batchOptions);
    double Library()
    {
        var clock = Stopwatch.StartNew();
        Trainer.Fit(model, b => model.forward(b.Ids, b.Lengths).Logits, batcher, tiny, tiny, 4, new TrainingOptions(Epochs: 1));
        return batcher.BatchCount / clock.Elapsed.TotalSeconds;   // includes batching and one tiny evaluation
    }

    Raw(); Library();
    var raw = Median(Enumerable.Range(0, repeats).Select(_ => Raw()));
    var library = Median(Enumerable.Range(0, repeats).Select(_ => Library()));
    Row("1. library ÷ raw training throughput", $"{library / raw:F3}", $"{library:F1} vs {raw:F1} steps/s, BiLSTM E=H=128 + han, batch 64 (target ≥ 0.95)");
}

// 2. Padding efficiency: real-token share and epoch time with bucketing against padding to the maximum length.
foreach (var name in Corpora.Names)
{
    PreparedCorpus data;
    try
    {
        data = name == Corpora.Synthetic ? synthetic : Experiment.Prepare(Corpora.Load(name, new CorpusOptions(AllowDownload: false)), settings);
    }
    catch (Exception e) when (e is IOException or DataFormatException)
    {
        Row($"2. padding, {name}", "skipped", "corpus not in the data folder");
        continue;
    }

    var subset = data.Train.Take(quick ? 512 : 1_024).ToList();
    manual_seed(1);
    var model = new BiLstmClassifier(new ClassifierConfig(data.Vocabulary.Count, data.Corpus.ClassNames.Count, 128, 128, "han"));
    var tiny = new Batcher(subset.Take(64).ToList(), batchOptions);
    double Epoch(bool bucketing, out double share)
    {
        var batcher = new Batcher(subset, batchOptions with { Bucketing = bucketing });
        var clock = Stopwatch.StartNew();
        Trainer.Fit(model, b => model.forward(b.Ids, b.Lengths).Logits, batcher, tiny, tiny, data.Corpus.ClassNames.Count, new TrainingOptions(Epochs: 1));
        share = batcher.RealTokenShare;
        return clock.Elapsed.TotalSeconds;
    }

    Epoch(true, out _);
    var bucketed = Median(Enumerable.Range(0, Math.Min(repeats, 3)).Select(i => Epoch(true, out _)));
    var padded = Median(Enumerable.Range(0, Math.Min(repeats, 3)).Select(i => Epoch(false, out _)));
    Epoch(true, out var bucketShare);
    Epoch(false, out var paddedShare);
    Row($"2. padding, {name}", $"{bucketShare:P1} real tokens bucketed, {paddedShare:P1} padded to 64", $"epoch of {subset.Count} examples: {bucketed:F1} s vs {padded:F1} s, speed-up {padded / bucketed:F2}× (target ≥ 90% real)");
}

// 3. Attention cost against length: forward + backward of each pooling alone, B = 32, D = 256.
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

// 4. Closeness to the machine's limit: a BiLSTM training step's GFLOP/s against a large matmul's.
{
    long B = 64, T = 64, E = 128, H = 128;
    var x = randn(B, T, E);
    manual_seed(1);
    var lstm = nn.LSTM(E, H, bidirectional: true, batchFirst: true);
    var step = TimeMedian(() =>
    {
        using var scope = NewDisposeScope();
        var (y, _, _) = lstm.call(x, null);
        y.sum().backward();
    });
    // Multiply-adds of one LSTM direction per token: 4 gates × H × (E + H); forward + backward ≈ 3× forward; 2 FLOPs each.
    var flops = 2.0 * 3 * 2 * B * T * 4 * H * (E + H);
    var a = randn(2048, 2048);
    var b = randn(2048, 2048);
    var matmul = TimeMedian(() => { using var scope = NewDisposeScope(); _ = a.matmul(b); });
    var peak = 2.0 * 2048 * 2048 * 2048 / matmul / 1e9;
    var achieved = flops / step / 1e9;
    Row("4. BiLSTM step ÷ matmul GFLOP/s", $"{achieved / peak:F3}", $"{achieved:F1} vs {peak:F1} GFLOP/s (B=64, T=64, E=H=128; 2048² matmul) (target ≥ 0.35)");
}

// 5. Threads: training steps per second at 1 and 2 threads.
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
{
    long Rss() => long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    var small = synthetic.Train.Take(640).ToList();
    manual_seed(1);
    var model = new BiLstmClassifier(new ClassifierConfig(synthetic.Vocabulary.Count, 4, 64, 64, "han"));
    var batcher = new Batcher(small, batchOptions);
    var tiny = new Batcher(small.Take(64).ToList(), batchOptions);
    var readings = new List<long>();
    Trainer.Fit(model, b => model.forward(b.Ids, b.Lengths).Logits, batcher, tiny, tiny, 4, new TrainingOptions(Epochs: quick ? 8 : 20),
        onEpoch: _ => { GC.Collect(); readings.Add(Rss()); });
    Row("6. resident memory over epochs", $"{readings[0]} → {readings[^1]} MB", $"epochs 1 → {readings.Count}, highest {readings.Max()} MB; growth after epoch 2: {readings[^1] - readings[1]} MB");
}
