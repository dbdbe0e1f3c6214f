using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TextAttention.Experiments;

/// <summary>
/// What one run is: the data it trains and is tested on (the corpus's name and <see cref="Data.Corpus.Fingerprint"/>),
/// the pooling, the seed, and every setting that decides its numbers, the learning rate among them. It is the run's
/// identity everywhere: the run store's key, a worker's job entry, the key of every progress event and the first
/// columns of every results row come from it, so two runs with equal specs are the same run.
/// </summary>
/// <param name="Corpus">The corpus's name, e.g. <c>agnews</c>.</param>
/// <param name="Data">The corpus's fingerprint: exactly which data, split and fold.</param>
/// <param name="Pooling">A name from <see cref="Attention.Poolings.Names"/>.</param>
/// <param name="Seed">Fixes the initial weights, the batch order and the dropout masks.</param>
/// <param name="Settings">Sizes, batching, training (with Adam's learning rate) and threads.</param>
public sealed record RunSpec(string Corpus, string Data, string Pooling, int Seed, RunSettings Settings)
{
    /// <summary>
    /// The version of what a stored run holds and how its figures are computed. It is part of every <see cref="Key"/>,
    /// so runs stored by a version that recorded less (or computed a figure differently) are trained again rather
    /// than read back with gaps.
    /// </summary>
    public const int FormatVersion = 3;

    /// <summary>Adam's learning rate (<see cref="RunSettings.Training"/>).</summary>
    public double LearningRate => Settings.TrainingOrDefault.LearningRate;

    /// <summary>Sixteen hex digits of the SHA-256 of everything that decides the run's numbers, and of <see cref="FormatVersion"/>.</summary>
    public string Key => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        $"v{FormatVersion}|{Data}|{Pooling}|{Seed}|{JsonSerializer.Serialize(Settings)}")))[..16];

    /// <summary>This run with Adam's rate set to <paramref name="rate"/> (<see cref="RunSettings.WithLearningRate"/>).</summary>
    public RunSpec WithLearningRate(double rate) => this with { Settings = Settings.WithLearningRate(rate) };

    /// <summary>A rate as the tables print it: 0.005, 1E-04.</summary>
    public static string Rate(double rate) => rate.ToString("G3", CultureInfo.InvariantCulture);

    public override string ToString() => $"{Corpus} {Pooling} seed {Seed} lr {Rate(LearningRate)}";
}
