using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TextAttention.Attention;
using TextAttention.IO;
using TextAttention.Models;
using TextAttention.Training;

namespace TextAttention.Experiments;

/// <summary>
/// Finished runs on disk, one JSON file each, so that a grid that is stopped (Ctrl+C, a killed process, a
/// crash) resumes where it stopped and a grid spread over processes or machines can be gathered. A run's file is
/// named by its dataset, pooling and seed and by a hash of everything that decides its numbers: the corpus
/// fingerprint, the pooling, the seed and the <see cref="RunSettings"/>. A run under other settings or other data
/// therefore never counts as done. Files are written atomically once the run has ended, so a stopped process
/// loses at most the run in progress. The figures round-trip exactly: a run read back gives the same results
/// files, byte for byte, as the run that wrote it. A grid with <see cref="ExperimentGrid.SaveModels"/> also keeps each
/// run's trained weights beside its figures (<c>.weights.bin</c>, written before the figures), for notebooks that
/// explain the models rather than only score them.
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

    /// <summary>Where the run's trained weights are (or will be) stored.</summary>
    public string ModelPathOf(string dataset, string data, string pooling, int seed, RunSettings settings) =>
        Path.ChangeExtension(PathOf(dataset, data, pooling, seed, settings), ".weights.bin");

    /// <summary>Whether the run's weights are stored.</summary>
    public bool HasModel(string dataset, string data, string pooling, int seed, RunSettings settings) =>
        File.Exists(ModelPathOf(dataset, data, pooling, seed, settings));

    /// <summary>Saves a finished run's trained weights atomically; call it before <see cref="Save"/>, whose file marks the run done.</summary>
    /// <exception cref="ArgumentException">The run no longer holds its model.</exception>
    public void SaveModel(RunResult run, RunSettings settings)
    {
        var model = run.Model ?? throw new ArgumentException($"{run.Dataset} {run.Pooling} seed {run.Seed} holds no model to save.", nameof(run));
        AtomicFile.Write(ModelPathOf(run.Dataset, run.Data, run.Pooling, run.Seed, settings), stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            model.save(writer);
        });
    }

    /// <summary>Rebuilds a stored run's model (built by <paramref name="config"/>) in evaluation mode.</summary>
    /// <exception cref="FileNotFoundException">The run's weights were not stored; the path is named.</exception>
    /// <exception cref="InvalidDataException">The weights file is damaged or belongs to another model; the path is named.</exception>
    public BiLstmClassifier LoadModel(RunResult run, RunSettings settings, ClassifierConfig config)
    {
        var path = ModelPathOf(run.Dataset, run.Data, run.Pooling, run.Seed, settings);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: the weights of {run.Dataset} {run.Pooling} seed {run.Seed} were not stored; run the grid with SaveModels to store them.", path);
        }

        var model = new BiLstmClassifier(config);
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            model.load(reader);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            model.Dispose();
            throw new InvalidDataException($"{path}: the weights do not load into a {config.Pooling} classifier of this size ({e.Message.Split('\n')[0]}); delete the file to train that run again.", e);
        }

        model.eval();
        return model;
    }

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
    /// this caller got it; false when another worker holds it or it is already stored (with its weights, when
    /// <paramref name="withModel"/>).
    /// </summary>
    public bool TryClaim(string dataset, string data, string pooling, int seed, RunSettings settings, bool withModel = false)
    {
        var path = PathOf(dataset, data, pooling, seed, settings);
        if (File.Exists(path) && (!withModel || HasModel(dataset, data, pooling, seed, settings)))
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

    /// <summary>Copies every stored run of <paramref name="other"/>, with any stored weights, into this store (shards gathered from other machines).</summary>
    /// <returns>How many run files were copied (weights not counted).</returns>
    public int Import(RunStore other)
    {
        var copied = 0;
        // Weights first: a run's figures mark it complete.
        var files = System.IO.Directory.EnumerateFiles(other.Directory, "*.weights.bin", SearchOption.AllDirectories)
            .Concat(System.IO.Directory.EnumerateFiles(other.Directory, "*.json", SearchOption.AllDirectories));
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(other.Directory, file);
            var target = Path.Combine(Directory, relative);
            AtomicFile.Write(target, stream =>
            {
                using var source = File.OpenRead(file);
                source.CopyTo(stream);
            });
            copied += file.EndsWith(".json", StringComparison.Ordinal) ? 1 : 0;
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
