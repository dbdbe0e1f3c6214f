using TextAttention.Inference;
using TextAttention.Models;
using TextAttention.Training;

namespace TextAttention.Experiments;

/// <summary>The stages of a <see cref="ComparisonStudy"/>, in the order they run.</summary>
public enum StudyStage
{
    /// <summary>The learning-rate search on validation, with the tuning seeds (in rounds while a winner sits at an edge).</summary>
    Search,

    /// <summary>Every pooling with every reported seed at its chosen rate.</summary>
    Comparison,

    /// <summary>The primary pair at its second-best rates, to see whether the verdict depends on the rate.</summary>
    SecondBest,
}

/// <summary>
/// What a study produced: the search's runs and choices, the comparison's runs, the second-best-rate runs, and how
/// many runs were trained here rather than read back from the store.
/// </summary>
/// <param name="Waiting">Null when the study is complete; otherwise why it stopped early (a shard whose stage still lacks other shards' runs).</param>
public sealed record StudyResults(
    ComparisonPlan Plan,
    IReadOnlyList<RunResult> Tuning,
    IReadOnlyList<LearningRateChoice> Choices,
    IReadOnlyList<RunResult> Runs,
    IReadOnlyList<RunResult> SecondBest,
    string? Waiting = null)
{
    /// <summary>Runs trained by this study's call (the rest were read back from the store).</summary>
    public int Trained { get; init; }

    /// <summary>Runs read back from the store.</summary>
    public int Restored { get; init; }

    /// <summary>
    /// Writes the comparison to <paramref name="resultsPath"/> (one row per run) with its learning curves and per-item
    /// test results beside it, the search to <c>.tuning.csv</c> and the second-best-rate runs to <c>.second-best.csv</c>,
    /// each with its own curves and items, atomically. Returns the files written.
    /// </summary>
    /// <exception cref="InvalidOperationException">The study is not complete (<see cref="Waiting"/>).</exception>
    public IReadOnlyList<string> Save(string resultsPath)
    {
        if (Waiting is not null)
        {
            throw new InvalidOperationException($"the study is not complete, so it writes no results files: {Waiting}");
        }

        var written = new List<string>();
        written.AddRange(Results.Save(resultsPath, Runs, items: true));
        if (Tuning.Count > 0)
        {
            written.AddRange(Results.Save(Results.TuningPath(resultsPath), Tuning));
        }

        if (SecondBest.Count > 0)
        {
            written.AddRange(Results.Save(Results.SecondBestPath(resultsPath), SecondBest, items: true));
        }

        return written;
    }
}

/// <summary>
/// The one owner of a comparison's protocol: search → choose → compare → second-best rates, as its
/// <see cref="ComparisonPlan"/> says. The command line, the notebooks and the tests all run comparisons through it, so a
/// change to the protocol is made here once. It resumes from a <see cref="Store"/> (nothing finished is trained again),
/// trains through any <see cref="Executor"/>, and with a <see cref="Shard"/> trains only its slice of each stage,
/// stopping at the first stage that still lacks other shards' runs. Subscribers hear every run, epoch and batch.
/// </summary>
public sealed class ComparisonStudy
{
    /// <exception cref="ArgumentException">The plan is not valid (<see cref="ComparisonPlan.Validate"/>), or a corpus has no design in it.</exception>
    public ComparisonStudy(ComparisonPlan plan, IReadOnlyList<StudyCorpus> corpora)
    {
        Plan = plan.Validate();
        Corpora = corpora;
        if (corpora.FirstOrDefault(c => !plan.Corpora.Contains(c.Design)) is { } stranger)
        {
            throw new ArgumentException($"{stranger.Name} takes part as a design that is not one of the plan's ({stranger.Design}); load the corpora with the plan.");
        }

        var warnings = new List<string>();
        foreach (var split in corpora.SelectMany(c => c.Splits))
        {
            var (problems, notes) = Check(split);
            if (problems.Count > 0)
            {
                throw new ArgumentException($"{split.Name} cannot be trained and tested: {string.Join("; ", problems)}.");
            }

            warnings.AddRange(notes);
        }

        Warnings = warnings.Distinct().ToList();
        Data = new RunData(corpora.SelectMany(c => c.Splits));
    }

    /// <summary>What a reader should know about the data before trusting the numbers (a class that training never sees, say).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Why a split cannot be trained and tested (an empty training, validation or test split), and what weakens it (a
    /// class with no training example, a test split with fewer than 30 items).
    /// </summary>
    public static (List<string> Problems, List<string> Warnings) Check(Data.Corpus corpus)
    {
        var problems = new List<string>();
        var warnings = new List<string>();
        foreach (var (name, split) in new[] { ("training", corpus.Train), ("validation", corpus.Validation), ("test", corpus.Test) })
        {
            if (split.Count == 0)
            {
                problems.Add($"its {name} split is empty (the file has too few examples for a train/validation/test split)");
            }
        }

        var unseen = Enumerable.Range(0, corpus.ClassNames.Count).Where(k => corpus.Train.All(e => e.Label != k)).Select(k => corpus.ClassNames[k]).ToList();
        if (unseen.Count > 0 && corpus.Train.Count > 0)
        {
            warnings.Add($"{corpus.Name}: no training example of class {string.Join(", ", unseen)}; the models can never predict it");
        }

        if (corpus.Test.Count is > 0 and < 30)
        {
            warnings.Add($"{corpus.Name}: only {corpus.Test.Count} test examples; one item moves accuracy by {100.0 / corpus.Test.Count:F1} points");
        }

        return (problems, warnings);
    }

    public ComparisonPlan Plan { get; }

    public IReadOnlyList<StudyCorpus> Corpora { get; }

    /// <summary>Every split of every corpus, by fingerprint, prepared once.</summary>
    public RunData Data { get; }

    /// <summary>Where finished runs are kept, and read back from; null keeps nothing (and cannot keep models).</summary>
    public RunStore? Store { get; init; }

    /// <summary>Trains what the store does not hold; in this process by default.</summary>
    public IRunExecutor Executor { get; init; } = new InProcessExecutor();

    /// <summary>Only this slice of each stage; null trains every run.</summary>
    public Shard? Shard { get; init; }

    /// <summary>False gathers only: every run must already be in the store (shards merged), and a missing one is an error that lists them.</summary>
    public bool TrainMissing { get; init; } = true;

    /// <summary>A stage is about to run these runs (restored ones included), in order.</summary>
    public event Action<StudyStage, IReadOnlyList<RunSpec>>? StageStarting;

    public event Action<RunSpec>? RunStarting;

    public event Action<RunSpec, BatchProgress>? BatchFinished;

    public event Action<RunSpec, EpochRecord>? EpochFinished;

    /// <summary>A run has finished training and is stored; when it trained in this process its model is still in memory during this call.</summary>
    public event Action<RunSpec, RunResult>? RunFinished;

    public event Action<RunSpec, RunResult>? RunRestored;

    /// <summary>A stored run could not be used and will be trained again; the reason names the file.</summary>
    public event Action<RunSpec, string>? RunDamaged;

    /// <summary>The run of <paramref name="pooling"/> with <paramref name="seed"/> on <paramref name="corpus"/> at <paramref name="rate"/>.</summary>
    public RunSpec Spec(StudyCorpus corpus, string pooling, int seed, double rate) =>
        new(corpus.Name, corpus.For(seed).Fingerprint, pooling, seed, Plan.Settings.WithLearningRate(rate));

    /// <summary>Runs the study, from the search (or as far as a shard can go), and returns what it produced.</summary>
    /// <param name="stopAfter">Stop after this stage (for example after the search, the first phase of a sharded study).</param>
    public StudyResults Run(StudyStage stopAfter = StudyStage.SecondBest)
    {
        // One study in a store at a time, from its first stage to its last: a second study would otherwise slip in between two stages.
        using var held = TrainMissing ? Store?.Lock() : null;
        var counts = new Counts();
        List<RunResult> tuning = [];
        List<LearningRateChoice> choices = [];
        string? waiting = null;
        if (Plan.Search is { } search)
        {
            (tuning, choices, waiting) = RunSearch(search, counts);
        }

        StudyResults Result(List<RunResult> runs, List<RunResult> secondBest, string? why) =>
            new(Plan, tuning, choices, runs, secondBest, why) { Trained = counts.Trained, Restored = counts.Restored };

        if (waiting is not null || stopAfter == StudyStage.Search)
        {
            return Result([], [], waiting);
        }

        var rates = choices.ToDictionary(c => (c.Dataset, c.Pooling), c => c.Chosen);
        var comparison = Corpora.SelectMany(c => Plan.Poolings.SelectMany(p => c.Design.SeedsFor(Plan.IsPrimary(p))
                .Select(seed => Spec(c, p, seed, rates.GetValueOrDefault((c.Name, p), Plan.Settings.TrainingOrDefault.LearningRate)))))
            .ToList();
        var runs = RunStage(StudyStage.Comparison, comparison, Plan.KeepModels && Store is not null, counts);
        if (runs is null || stopAfter == StudyStage.Comparison || !Plan.SecondBestRates || choices.Count == 0)
        {
            return Result(runs ?? [], [], runs is null ? Incomplete(StudyStage.Comparison) : null);
        }

        var second = choices.Where(c => c.SecondBest is not null && Plan.IsPrimary(c.Pooling)).ToDictionary(c => (c.Dataset, c.Pooling), c => c.SecondBest!.Value);
        var sensitivity = Corpora.SelectMany(c => Plan.Poolings.Where(p => second.ContainsKey((c.Name, p)))
                .SelectMany(p => c.Design.Seeds.Select(seed => Spec(c, p, seed, second[(c.Name, p)]))))
            .ToList();
        var secondBest = RunStage(StudyStage.SecondBest, sensitivity, saveModels: false, counts);
        return Result(runs, secondBest ?? [], secondBest is null ? Incomplete(StudyStage.SecondBest) : null);
    }

    /// <summary>A comparison run's trained model, read back from the store, in evaluation mode.</summary>
    /// <exception cref="InvalidOperationException">The study has no store.</exception>
    /// <exception cref="FileNotFoundException">The run's weights were not kept.</exception>
    public BiLstmClassifier LoadModel(RunResult run)
    {
        var store = Store ?? throw new InvalidOperationException("this study has no store to load models from.");
        return store.LoadModel(run.Spec, Experiment.Config(Data.Prepared(run.Spec), run.Pooling, run.Spec.Settings));
    }

    /// <summary>The corpus a run trained on, prepared as it was.</summary>
    public PreparedCorpus Prepared(RunResult run) => Data.Prepared(run.Spec);

    /// <summary>The predictor of a run's model: its corpus's tokenizer, vocabulary and classes, batching as it did.</summary>
    public Predictor Predictor(RunResult run, BiLstmClassifier model) => Prepared(run).Predictor(model, run.Spec.Settings);

    private (List<RunResult> Tuning, List<LearningRateChoice> Choices, string? Waiting) RunSearch(LearningRateSearchPlan search, Counts counts)
    {
        var round = Corpora.SelectMany(c => Plan.Poolings.SelectMany(p => search.Candidates
                .SelectMany(rate => search.TuningSeeds.Select(seed => Spec(c, p, seed, rate)))))
            .ToList();
        var tuning = new List<RunResult>();
        while (round.Count > 0)
        {
            var results = RunStage(StudyStage.Search, round, saveModels: false, counts);
            if (results is null)
            {
                return (tuning, [], Incomplete(StudyStage.Search));
            }

            tuning.AddRange(results);
            var choices = LearningRateSearch.Choose(tuning);
            round = [];
            foreach (var choice in choices)
            {
                if (LearningRateSearch.Extension(choice, search.Ladder) is { } rate)
                {
                    var corpus = Corpora.Single(c => c.Name == choice.Dataset);
                    round.AddRange(search.TuningSeeds.Select(seed => Spec(corpus, choice.Pooling, seed, rate)));
                }
            }
        }

        return (tuning, LearningRateSearch.Choose(tuning), null);
    }

    /// <summary>
    /// Runs one stage's runs (this shard's slice of them first, when sharded); null when runs are still missing: other
    /// shards' runs, or, when gathering only, any run the store lacks (<see cref="_missing"/> says how many).
    /// </summary>
    private List<RunResult>? RunStage(StudyStage stage, List<RunSpec> runs, bool saveModels, Counts counts)
    {
        StageStarting?.Invoke(stage, runs);
        var runner = Runner(saveModels, counts);
        if (Shard is null && TrainMissing)
        {
            return runner.Run(runs);
        }

        if (TrainMissing)
        {
            runner.Run(Shard!.Slice(runs));
            runner = new GridRunner(Data) { Store = Store, SaveModels = saveModels };
        }

        try
        {
            return runner.Run(runs, trainMissing: false);
        }
        catch (InvalidOperationException e) when (e.Message.Contains(" runs are not in ", StringComparison.Ordinal))
        {
            _missing = e.Message;
            return null;
        }
    }

    private string? _missing;

    private string Incomplete(StudyStage stage) => Shard is not null && TrainMissing
        ? $"shard {Shard} has trained its part of the {Name(stage)} stage; the other shards' runs are not in {Store?.Directory} yet. " +
          "Merge their stores into this one (grid --import) and run again to go on."
        : $"the {Name(stage)} stage is not complete: {_missing} Train the missing runs (or merge the shards that have them) and gather again.";

    private static string Name(StudyStage stage) => stage switch
    {
        StudyStage.Search => "learning-rate search",
        StudyStage.Comparison => "comparison",
        _ => "second-best-rate",
    };

    private GridRunner Runner(bool saveModels, Counts counts)
    {
        var runner = new GridRunner(Data) { Store = Store, Executor = Executor, SaveModels = saveModels };
        runner.RunStarting += spec => RunStarting?.Invoke(spec);
        runner.BatchFinished += (spec, progress) => BatchFinished?.Invoke(spec, progress);
        runner.EpochFinished += (spec, epoch) => EpochFinished?.Invoke(spec, epoch);
        runner.RunFinished += (spec, result) =>
        {
            counts.Trained++;
            RunFinished?.Invoke(spec, result);
        };
        runner.RunRestored += (spec, result) =>
        {
            counts.Restored++;
            RunRestored?.Invoke(spec, result);
        };
        runner.RunDamaged += (spec, why) => RunDamaged?.Invoke(spec, why);
        return runner;
    }

    private sealed class Counts
    {
        public int Trained { get; set; }

        public int Restored { get; set; }
    }
}
