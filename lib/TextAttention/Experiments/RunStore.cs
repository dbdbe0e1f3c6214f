using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TextAttention.Attention;
using TextAttention.IO;
using TextAttention.Models;
using TextAttention.Training;

namespace TextAttention.Experiments;

/// <summary>
/// Finished runs on disk, one JSON file each, so that a grid that is stopped (Ctrl+C, a killed process, a crash)
/// resumes where it stopped and a grid spread over processes or machines can be gathered. A run's file is named by
/// its corpus, pooling and seed and by its <see cref="RunSpec.Key"/>, a hash of everything that decides its numbers,
/// so a run under other settings or other data never counts as done. Files are written atomically once the run has
/// ended, so a stopped process loses at most the run in progress. The figures round-trip exactly: a run read back
/// gives the same results files, byte for byte, as the run that wrote it. A study that keeps models also stores each
/// run's trained weights beside its figures (<c>.weights.bin</c>, written before the figures).
/// The store writes, and deletes, only what it recognises as its own: run files, weights, claims, job files and its lock.
/// </summary>
public sealed partial class RunStore
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <param name="directory">The store's folder; created when the first run is saved.</param>
    public RunStore(string directory) => Directory = Path.GetFullPath(directory);

    public string Directory { get; }

    /// <summary>Where the run is (or will be) stored.</summary>
    public string PathOf(RunSpec spec) => Path.Combine(Directory, spec.Corpus, $"{spec.Pooling}-seed{spec.Seed}-{spec.Key}.json");

    /// <summary>Where the run's trained weights are (or will be) stored.</summary>
    public string ModelPathOf(RunSpec spec) => Path.ChangeExtension(PathOf(spec), ".weights.bin");

    /// <summary>Whether the run's weights are stored.</summary>
    public bool HasModel(RunSpec spec) => File.Exists(ModelPathOf(spec));

    /// <summary>Saves a finished run's trained weights atomically; call it before <see cref="Save"/>, whose file marks the run done.</summary>
    /// <exception cref="ArgumentException">The run no longer holds its model.</exception>
    public void SaveModel(RunResult run)
    {
        var model = run.Model ?? throw new ArgumentException($"{run.Spec} holds no model to save.", nameof(run));
        ModelWeights.Save(model, ModelPathOf(run.Spec));
    }

    /// <summary>Rebuilds a stored run's model (built by <paramref name="config"/>) in evaluation mode.</summary>
    /// <exception cref="FileNotFoundException">The run's weights were not stored; the path is named.</exception>
    /// <exception cref="InvalidDataException">The weights file is damaged or belongs to another model; the path is named.</exception>
    public BiLstmClassifier LoadModel(RunSpec spec, ClassifierConfig config)
    {
        var path = ModelPathOf(spec);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: the weights of {spec} were not stored; run the study with models kept to store them.", path);
        }

        return ModelWeights.Load(config, path, "delete the file to train that run again");
    }

    /// <summary>Saves a finished run (its figures, not its model), replacing any earlier copy in one rename.</summary>
    public void Save(RunResult run)
    {
        var s = run.Spec;
        var stored = new StoredRun(s.Corpus, s.Data, s.Pooling, s.Seed, s.Settings, [.. run.History.Epochs], run.History.BestEpoch,
            run.History.StoppedEarly, ToJagged(run.Test.Confusion), run.Test.Loss, run.RealTokenShare, run.Seconds, run.EvidenceMass,
            s.LearningRate, run.Attention, run.Test.Predicted?.ToArray(), run.TestCorrect);
        AtomicFile.WriteAllText(PathOf(s), JsonSerializer.Serialize(stored, Json));
    }

    /// <summary>The stored run, or null when it has not finished yet.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not a stored run of this spec; its path is named.</exception>
    public RunResult? TryLoad(RunSpec spec)
    {
        var path = PathOf(spec);
        if (!File.Exists(path))
        {
            return null;
        }

        var result = Read(path);
        if (result.Spec != spec)
        {
            throw new InvalidDataException($"{path}: does not hold the run {spec} it is named after; delete the file to train that run again.");
        }

        return result;
    }

    /// <summary>Reads a stored run's file, checking that its figures hang together.</summary>
    /// <exception cref="InvalidDataException">The file is not a stored run, or its figures are impossible; the path and problem are named.</exception>
    public static RunResult Read(string path)
    {
        StoredRun? stored;
        try
        {
            stored = JsonSerializer.Deserialize<StoredRun>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a stored run ({e.Message}); delete the file to train that run again.", e);
        }

        if (stored is null || stored.Dataset is null || stored.Data is null || stored.Pooling is null || stored.Settings is null
            || stored.Epochs is not { Count: > 0 } || stored.BestEpoch < 1 || stored.BestEpoch > stored.Epochs.Count || stored.Confusion is not { Length: > 0 })
        {
            throw new InvalidDataException($"{path}: not a complete stored run (a field is missing or out of range); delete the file to train that run again.");
        }

        var spec = new RunSpec(stored.Dataset, stored.Data, stored.Pooling, stored.Seed, stored.Settings);
        if (Path.GetFileName(path) != $"{spec.Pooling}-seed{spec.Seed}-{spec.Key}.json")
        {
            throw new InvalidDataException($"{path}: holds {spec}, whose file would be named {spec.Pooling}-seed{spec.Seed}-{spec.Key}.json; delete the file to train that run again.");
        }

        return new RunResult(spec, new TrainingHistory(stored.Epochs, stored.BestEpoch, stored.StoppedEarly),
            new Evaluation(ToRectangular(stored.Confusion, path), stored.TestLoss) { Predicted = stored.Predicted }, null, stored.RealTokenShare, stored.Seconds)
        {
            EvidenceMass = stored.EvidenceMass,
            Attention = stored.Attention,
            TestCorrect = stored.TestCorrect ?? "",
        };
    }

    /// <summary>
    /// Marks a run as taken by one worker, so that the other workers of the same grid leave it alone. True when
    /// this caller got it; false when another worker holds it or it is already stored (with its weights, when
    /// <paramref name="withModel"/>).
    /// </summary>
    public bool TryClaim(RunSpec spec, bool withModel = false)
    {
        var path = PathOf(spec);
        if (File.Exists(path) && (!withModel || HasModel(spec)))
        {
            return false;
        }

        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            using var claim = new FileStream(path + ".claim", FileMode.CreateNew, FileAccess.Write, FileShare.None);
            claim.Write(Encoding.UTF8.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));
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

    /// <summary>
    /// Takes the store for one grid: a second grid on the same store (with its own workers) would undo this one's claims
    /// and train runs twice, so it is refused while this lock is held. A lock left by a process that no longer runs is
    /// taken over, with the job files of the grid that left it; a process that holds it already gets it again (released
    /// by the outermost holder). Dispose the result to release it.
    /// </summary>
    /// <exception cref="IOException">Another running process holds the store; its process id and start are named.</exception>
    public IDisposable Lock()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, LockFile);
        var me = Describe(Process.GetCurrentProcess());
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    stream.Write(Encoding.UTF8.GetBytes(me));
                }

                // Only the lock's holder writes job files, so any found now were left by a grid that was killed.
                foreach (var job in System.IO.Directory.EnumerateFiles(Directory).Where(f => JobFile().IsMatch(Path.GetFileName(f))))
                {
                    File.Delete(job);
                }

                return new Release(() => File.Delete(path));
            }
            catch (IOException) when (File.Exists(path))
            {
                var holder = File.ReadAllText(path).Trim();
                if (holder == me)
                {
                    return new Release(() => { });   // this process holds it already (a study runs several grids in turn)
                }

                if (IsAlive(holder))
                {
                    throw new IOException($"{Directory} is in use by another grid (process {holder.Split(' ')[0]}, started {string.Join(' ', holder.Split(' ').Skip(1))}): " +
                                          "one grid trains in a store at a time. Wait for it to finish, or give this one another --runs folder.");
                }

                File.Delete(path);   // left by a process that is gone
            }
        }

        throw new IOException($"{path}: could not take the store's lock.");
    }

    /// <summary>
    /// Whether <paramref name="folder"/> holds only what a run store writes (run files, weights, claims, job files,
    /// its lock, in one folder per corpus); a folder that does not exist counts as a store. The files that are not
    /// the store's go to <paramref name="foreign"/>.
    /// </summary>
    public static bool IsStoreFolder(string folder, out IReadOnlyList<string> foreign)
    {
        var others = new List<string>();
        if (System.IO.Directory.Exists(folder))
        {
            foreach (var entry in System.IO.Directory.EnumerateFileSystemEntries(folder))
            {
                var name = Path.GetFileName(entry);
                if (File.Exists(entry))
                {
                    if (name != LockFile && !JobFile().IsMatch(name))
                    {
                        others.Add(entry);
                    }

                    continue;
                }

                others.AddRange(System.IO.Directory.EnumerateFileSystemEntries(entry, "*", SearchOption.AllDirectories)
                    .Where(f => System.IO.Directory.Exists(f) || !RunFile().IsMatch(Path.GetFileName(f))));
            }
        }

        foreign = others;
        return others.Count == 0;
    }

    /// <summary>
    /// Forgets every stored run, to start a grid afresh: deletes the run files, weights, claims and job files, and the
    /// folders they leave empty, and nothing else.
    /// </summary>
    /// <exception cref="IOException">The folder holds files a run store does not write; they are named and nothing is deleted.</exception>
    public void Clear()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return;
        }

        if (!IsStoreFolder(Directory, out var foreign))
        {
            throw new IOException($"{Directory} is not only a run store: it also holds {string.Join(", ", foreign.Take(3).Select(f => Path.GetRelativePath(Directory, f)))}" +
                                  $"{(foreign.Count > 3 ? $" and {foreign.Count - 3} more" : "")}. Nothing was deleted; give a folder that holds only runs.");
        }

        using var held = Lock();
        foreach (var corpus in System.IO.Directory.EnumerateDirectories(Directory))
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(corpus).Where(f => RunFile().IsMatch(Path.GetFileName(f))))
            {
                File.Delete(file);
            }

            if (!System.IO.Directory.EnumerateFileSystemEntries(corpus).Any())
            {
                System.IO.Directory.Delete(corpus);
            }
        }

        foreach (var job in System.IO.Directory.EnumerateFiles(Directory).Where(f => JobFile().IsMatch(Path.GetFileName(f))))
        {
            File.Delete(job);
        }
    }

    /// <summary>
    /// Copies the stored runs of <paramref name="other"/>, with their weights, into this store (shards gathered from
    /// other machines). Every file is read and checked first (<see cref="Read"/>: a stored run, named by its own key,
    /// with figures that hang together); if any is damaged or foreign, nothing is copied. A run this store already
    /// holds is left as it is.
    /// </summary>
    /// <returns>How many runs were copied, and how many were already here.</returns>
    /// <exception cref="InvalidDataException">A file of <paramref name="other"/> is not a valid stored run; each problem is named and nothing was copied.</exception>
    /// <exception cref="DirectoryNotFoundException">The other store's folder does not exist.</exception>
    public (int Copied, int Present) Import(RunStore other) => Import(CheckImport(other));

    /// <summary>
    /// Reads and checks every file of <paramref name="other"/> as <see cref="Import(RunStore)"/> does, and copies
    /// nothing: a command validates all its inputs this way before it changes any store.
    /// </summary>
    /// <exception cref="InvalidDataException">A file of <paramref name="other"/> is not a valid stored run.</exception>
    /// <exception cref="DirectoryNotFoundException">The other store's folder does not exist.</exception>
    public static CheckedImport CheckImport(RunStore other)
    {
        if (!System.IO.Directory.Exists(other.Directory))
        {
            throw new DirectoryNotFoundException($"{other.Directory} does not exist, so there is nothing to import.");
        }

        if (!IsStoreFolder(other.Directory, out var foreign))
        {
            throw new InvalidDataException($"{other.Directory} is not a run store: it holds {string.Join(", ", foreign.Take(3).Select(f => Path.GetRelativePath(other.Directory, f)))}" +
                                           $"{(foreign.Count > 3 ? $" and {foreign.Count - 3} more" : "")}. Nothing was imported.");
        }

        var runs = new List<(string File, RunResult Run)>();
        var problems = new List<string>();
        foreach (var file in System.IO.Directory.EnumerateFiles(other.Directory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            try
            {
                var run = Read(file);
                if (Path.GetFileName(Path.GetDirectoryName(file)) != run.Spec.Corpus)
                {
                    throw new InvalidDataException($"{file}: a run on {run.Spec.Corpus} in the folder of another corpus.");
                }

                var problem = Consistency(run);
                if (problem is not null)
                {
                    throw new InvalidDataException($"{file}: {problem}.");
                }

                runs.Add((file, run));
            }
            catch (InvalidDataException e)
            {
                problems.Add(e.Message);
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException($"{problems.Count} file(s) of {other.Directory} are not valid stored runs, so nothing was imported: {string.Join(" ", problems.Take(5))}");
        }

        return new CheckedImport(other.Directory, runs);
    }

    /// <summary>Copies runs that <see cref="CheckImport"/> has read and checked.</summary>
    public (int Copied, int Present) Import(CheckedImport source)
    {
        var copied = 0;
        var present = 0;
        foreach (var (file, run) in source.Runs)
        {
            var weights = Path.ChangeExtension(file, ".weights.bin");
            if (TryLoad(run.Spec) is not null && (!File.Exists(weights) || HasModel(run.Spec)))
            {
                present++;
                continue;
            }

            // Weights first: a run's figures mark it complete.
            if (File.Exists(weights))
            {
                AtomicFile.Write(ModelPathOf(run.Spec), stream =>
                {
                    using var source = File.OpenRead(weights);
                    source.CopyTo(stream);
                });
            }

            AtomicFile.WriteAllText(PathOf(run.Spec), File.ReadAllText(file));
            copied++;
        }

        return (copied, present);
    }

    /// <summary>What is impossible in a run's figures on their own (without its corpus), or null: see <see cref="RunResult.Problems"/>.</summary>
    private static string? Consistency(RunResult run)
    {
        var total = run.Test.Count;
        if (run.TestCorrect.Length != total || run.TestCorrect.Any(c => c is not ('0' or '1')))
        {
            return $"its per-item results hold {run.TestCorrect.Length} marks for {total} test items counted in its confusion matrix";
        }

        if (run.Test.Predicted is { } predicted && predicted.Count != total)
        {
            return $"it holds {predicted.Count} predictions for {total} test items";
        }

        return double.IsFinite(run.Test.Loss) && run.History.Epochs.All(e => double.IsFinite(e.TrainLoss) && double.IsFinite(e.ValidationAccuracy))
            ? null
            : "a loss or accuracy is not a finite number";
    }

    private const string LockFile = "grid.lock";

    [GeneratedRegex(@"^[a-z0-9-]+-seed-?\d+-[0-9a-f]{16}\.(json|weights\.bin|json\.claim)$|^\..*\.tmp$")]
    private static partial Regex RunFile();

    [GeneratedRegex(@"^grid-[0-9a-f]{32}\.job$")]
    private static partial Regex JobFile();

    private static string Describe(Process process) =>
        $"{process.Id} {process.StartTime.ToUniversalTime():yyyy-MM-ddTHH:mm:ss.fffZ}";

    private static bool IsAlive(string holder)
    {
        var parts = holder.Split(' ', 2);
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
        {
            return false;
        }

        try
        {
            // The same process, not one that reuses its id: the start times agree (to within the clock's rounding, which differs
            // between the process that wrote the lock and one that reads another process's start time).
            using var process = Process.GetProcessById(id);
            return DateTime.TryParse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var started)
                   && Math.Abs((process.StartTime.ToUniversalTime() - started).TotalSeconds) < 2;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private sealed class Release(Action release) : IDisposable
    {
        private Action? _release = release;

        public void Dispose()
        {
            _release?.Invoke();
            _release = null;
        }
    }

    private static long[][] ToJagged(long[,] matrix) =>
        Enumerable.Range(0, matrix.GetLength(0)).Select(i => Enumerable.Range(0, matrix.GetLength(1)).Select(j => matrix[i, j]).ToArray()).ToArray();

    private static long[,] ToRectangular(long[][] rows, string path)
    {
        if (rows.Any(r => r is null || r.Length != rows.Length))
        {
            throw new InvalidDataException($"{path}: the confusion matrix is not square; delete the file to train that run again.");
        }

        if (rows.Length < 2)
        {
            throw new InvalidDataException($"{path}: the confusion matrix has {rows.Length} class; a classifier has at least 2. Delete the file to train that run again.");
        }

        var matrix = new long[rows.Length, rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            for (var j = 0; j < rows.Length; j++)
            {
                matrix[i, j] = rows[i][j] >= 0 ? rows[i][j] : throw new InvalidDataException($"{path}: the confusion matrix holds a negative count; delete the file to train that run again.");
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

/// <summary>The runs of another store, read and checked by <see cref="RunStore.CheckImport"/> and ready to copy.</summary>
/// <param name="Directory">The other store's folder.</param>
/// <param name="Runs">Each run's file and its figures.</param>
public sealed record CheckedImport(string Directory, IReadOnlyList<(string File, RunResult Run)> Runs);
