using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TextAttention.Attention;
using TextAttention.IO;
using TextAttention.Training;

namespace TextAttention.Experiments;

/// <summary>
/// Finished runs on disk, one JSON file each, so that a grid that is stopped (Ctrl+C, a killed process, a
/// crash) resumes where it stopped and a grid spread over processes or machines can be gathered. A run's file is
/// named by its dataset, pooling and seed and by a hash of everything that decides its numbers: the corpus
/// fingerprint, the pooling, the seed and the <see cref="RunSettings"/>. A run under other settings or other data
/// therefore never counts as done. Files are written atomically once the run has ended, so a stopped process
/// loses at most the run in progress. The figures round-trip exactly: a run read back gives the same results
/// files, byte for byte, as the run that wrote it. Models are not stored.
/// </summary>
public sealed class RunStore
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <param name="directory">The store's folder; created when the first run is saved.</param>
    public RunStore(string directory) => Directory = Path.GetFullPath(directory);

    public string Directory { get; }

    /// <summary>
    /// The version of what a stored run holds. It is part of every key, so runs stored by a version that recorded
    /// less (or computed a figure differently) are trained again rather than read back with gaps.
    /// </summary>
    public const int FormatVersion = 2;

    /// <summary>Sixteen hex digits of the SHA-256 of what decides a run's numbers, and of the store's format version.</summary>
    public static string Key(string data, string pooling, int seed, RunSettings settings) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"v{FormatVersion}|{data}|{pooling}|{seed}|{JsonSerializer.Serialize(settings)}")))[..16];

    /// <summary>Where the run is (or will be) stored.</summary>
    public string PathOf(string dataset, string data, string pooling, int seed, RunSettings settings) =>
        Path.Combine(Directory, dataset, $"{pooling}-seed{seed}-{Key(data, pooling, seed, settings)}.json");

    /// <summary>Saves a finished run (its figures, not its model), replacing any earlier copy in one rename.</summary>
    public void Save(RunResult run, RunSettings settings)
    {
        var stored = new StoredRun(run.Dataset, run.Data, run.Pooling, run.Seed, settings, [.. run.History.Epochs], run.History.BestEpoch,
            run.History.StoppedEarly, ToJagged(run.Test.Confusion), run.Test.Loss, run.RealTokenShare, run.Seconds, run.EvidenceMass,
            run.LearningRate, run.Attention, run.Test.Predicted?.ToArray(), run.TestCorrect);
        AtomicFile.WriteAllText(PathOf(run.Dataset, run.Data, run.Pooling, run.Seed, settings), JsonSerializer.Serialize(stored, Json));
    }

    /// <summary>The stored run, or null when it has not finished yet.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not a stored run of this key; its path is named.</exception>
    public RunResult? TryLoad(string dataset, string data, string pooling, int seed, RunSettings settings)
    {
        var path = PathOf(dataset, data, pooling, seed, settings);
        if (!File.Exists(path))
        {
            return null;
        }

        StoredRun? stored;
        try
        {
            stored = JsonSerializer.Deserialize<StoredRun>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a stored run ({e.Message}); delete the file to train that run again.", e);
        }

        if (stored is null || stored.Dataset != dataset || stored.Data != data || stored.Pooling != pooling || stored.Seed != seed
            || stored.Epochs is not { Count: > 0 } || stored.BestEpoch < 1 || stored.BestEpoch > stored.Epochs.Count || stored.Confusion is not { Length: > 0 })
        {
            throw new InvalidDataException($"{path}: does not hold the run {dataset} {pooling} seed {seed} it is named after; delete the file to train that run again.");
        }

        return new RunResult(stored.Dataset, stored.Data, stored.Pooling, stored.Seed, new TrainingHistory(stored.Epochs, stored.BestEpoch, stored.StoppedEarly),
            new Evaluation(ToRectangular(stored.Confusion, path), stored.TestLoss) { Predicted = stored.Predicted }, null, stored.RealTokenShare, stored.Seconds, stored.EvidenceMass)
        {
            LearningRate = stored.LearningRate,
            Attention = stored.Attention,
            TestCorrect = stored.TestCorrect ?? "",
        };
    }

    /// <summary>
    /// Marks a run as taken by one worker, so that the other workers of the same grid leave it alone. True when
    /// this caller got it; false when another worker holds it or it is already stored.
    /// </summary>
    public bool TryClaim(string dataset, string data, string pooling, int seed, RunSettings settings)
    {
        var path = PathOf(dataset, data, pooling, seed, settings);
        if (File.Exists(path))
        {
            return false;
        }

        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            using var claim = new FileStream(path + ".claim", FileMode.CreateNew, FileAccess.Write, FileShare.None);
            claim.Write(Encoding.UTF8.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return true;
        }
        catch (IOException) when (File.Exists(path + ".claim"))
        {
            return false;
        }
    }

    /// <summary>Removes every claim: those of workers that were stopped before they finished their run.</summary>
    public void ReleaseClaims()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            foreach (var claim in System.IO.Directory.EnumerateFiles(Directory, "*.claim", SearchOption.AllDirectories))
            {
                File.Delete(claim);
            }
        }
    }

    /// <summary>Forgets every stored run, to start a grid afresh.</summary>
    public void Clear()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>Copies every stored run of <paramref name="other"/> into this store (shards gathered from other machines).</summary>
    /// <returns>How many run files were copied.</returns>
    public int Import(RunStore other)
    {
        var copied = 0;
        foreach (var file in System.IO.Directory.EnumerateFiles(other.Directory, "*.json", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(other.Directory, file);
            var target = Path.Combine(Directory, relative);
            AtomicFile.Write(target, stream =>
            {
                using var source = File.OpenRead(file);
                source.CopyTo(stream);
            });
            copied++;
        }

        return copied;
    }

    private static long[][] ToJagged(long[,] matrix) =>
        Enumerable.Range(0, matrix.GetLength(0)).Select(i => Enumerable.Range(0, matrix.GetLength(1)).Select(j => matrix[i, j]).ToArray()).ToArray();

    private static long[,] ToRectangular(long[][] rows, string path)
    {
        if (rows.Any(r => r.Length != rows.Length))
        {
            throw new InvalidDataException($"{path}: the confusion matrix is not square; delete the file to train that run again.");
        }

        var matrix = new long[rows.Length, rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            for (var j = 0; j < rows.Length; j++)
            {
                matrix[i, j] = rows[i][j];
            }
        }

        return matrix;
    }

    /// <summary>The file's content: a run's figures and the settings that produced them (for a reader of the file).</summary>
    private sealed record StoredRun(
        string Dataset,
        string Data,
        string Pooling,
        int Seed,
        RunSettings Settings,
        List<EpochRecord> Epochs,
        int BestEpoch,
        bool StoppedEarly,
        long[][] Confusion,
        double TestLoss,
        double RealTokenShare,
        double Seconds,
        double? EvidenceMass,
        double LearningRate,
        AttentionStatistics? Attention,
        int[]? Predicted,
        string? TestCorrect);
}
