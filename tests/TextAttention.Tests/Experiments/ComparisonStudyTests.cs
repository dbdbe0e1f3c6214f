using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.Training;

namespace TextAttention.Tests.Experiments;

/// <summary>
/// The protocol of <see cref="ComparisonStudy"/> (search → choose → compare → second-best rates, extension at an edge,
/// primary seeds, folds, shards, gathering), checked with an executor that trains nothing: it gives every run a
/// validation accuracy that is a known function of its rate, so what the study must run next is known exactly.
/// </summary>
public sealed class ComparisonStudyTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("textattention-study-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>Pretends to train: validation accuracy from <see cref="Accuracy"/>, two test items (one right).</summary>
    private sealed class Scripted(Func<RunSpec, double> accuracy) : IRunExecutor
    {
        public List<RunSpec> Trained { get; } = [];

        public void Execute(IReadOnlyList<RunSpec> runs, RunInputs inputs, IRunListener listener)
        {
            foreach (var spec in runs)
            {
                Trained.Add(spec);
                var corpus = inputs.Data.Corpus(spec);
                var n = corpus.Test.Count;
                var confusion = new long[corpus.ClassNames.Count, corpus.ClassNames.Count];
                confusion[0, 0] = n;
                var result = new RunResult(spec, new TrainingHistory([new EpochRecord(1, 1, 1 - accuracy(spec), accuracy(spec), accuracy(spec), 0)], 1, true),
                    new Evaluation(confusion, 0.5) { Predicted = new int[n] }, null, 1, 0) { TestCorrect = new string('1', n) };
                listener.Starting(spec);
                inputs.Store?.Save(result);
                listener.Finished(spec, result);
            }
        }
    }

    private static Corpus Synthetic() => Corpora.Load(Corpora.Synthetic, new CorpusOptions(Synthetic: new SyntheticOptions(Train: 40, Validation: 8, Test: 8, MinLength: 5, MaxLength: 8)));

    private static ComparisonPlan Plan(params double[] candidates) =>
        new(Profile.Ci, [new CorpusDesign(Corpora.Synthetic, [1, 2]) { PrimarySeeds = [1, 2, 3] }], ["dot-self-unmasked", "han-unmasked", "mean"],
            new RunSettings(EmbeddingSize: 8, HiddenSize: 8, MaxLength: 8, Training: new TrainingOptions(Epochs: 1)), 1000, 1000)
        {
            Search = new LearningRateSearchPlan(candidates, LearningRateSearchPlan.OneTwoFive, [101, 102]),
            SecondBestRates = true,
        };

    /// <summary>Validation accuracy peaks at 5e-3 for every pooling.</summary>
    private static double PeakAt5e3(RunSpec spec) => 0.9 - Math.Abs(Math.Log10(spec.LearningRate / 5e-3));

    [Fact]
    public void The_study_searches_extends_at_the_edge_chooses_compares_and_tries_the_second_best_rates()
    {
        var executor = new Scripted(PeakAt5e3);
        var stages = new List<(StudyStage Stage, int Runs)>();
        var plan = Plan(1e-3, 2e-3);
        var study = new ComparisonStudy(plan, [StudyCorpus.Fixed(plan.Corpora[0], Synthetic())]) { Executor = executor };
        study.StageStarting += (stage, runs) => stages.Add((stage, runs.Count));

        var results = study.Run();

        // Round 1: 3 poolings × 2 rates × 2 tuning seeds; 2e-3 wins at the top edge, so 5e-3 is tried; it wins at the edge
        // again, so 1e-2; now 5e-3 sits inside and the search ends.
        Assert.Equal([(StudyStage.Search, 12), (StudyStage.Search, 6), (StudyStage.Search, 6), (StudyStage.Comparison, 8), (StudyStage.SecondBest, 4)], stages);
        Assert.All(results.Choices, c => Assert.Equal((5e-3, false), (c.Chosen, c.AtEdge)));
        Assert.All(results.Choices, c => Assert.Equal([1e-3, 2e-3, 5e-3, 1e-2], c.Validation.Keys.Order()));
        // The primary pair gets its three seeds, mean its two; everything at the chosen rate.
        Assert.Equal([("dot-self-unmasked", 1), ("dot-self-unmasked", 2), ("dot-self-unmasked", 3), ("han-unmasked", 1), ("han-unmasked", 2), ("han-unmasked", 3), ("mean", 1), ("mean", 2)],
            results.Runs.Select(r => (r.Pooling, r.Seed)));
        Assert.All(results.Runs, r => Assert.Equal(5e-3, r.LearningRate));
        // The second-best rate: 1e-2 is nearer the peak (a factor 2) than 2e-3 (2.5); only the primary pair, with the design's seeds.
        Assert.Equal([("dot-self-unmasked", 1, 1e-2), ("dot-self-unmasked", 2, 1e-2), ("han-unmasked", 1, 1e-2), ("han-unmasked", 2, 1e-2)],
            results.SecondBest.Select(r => (r.Pooling, r.Seed, r.LearningRate)));
        Assert.Equal((36, 0), (results.Trained, results.Restored));
        Assert.DoesNotContain(executor.Trained, s => s.Seed is 101 or 102 && results.Runs.Any(r => r.Spec == s));
    }

    [Fact]
    public void A_stored_study_is_read_back_without_training_and_gives_the_same_results()
    {
        var store = new RunStore(Path.Combine(folder, "runs"));
        var corpus = Synthetic();
        var plan = Plan(2e-3, 5e-3, 1e-2) with { KeepModels = false };
        var first = new ComparisonStudy(plan, [StudyCorpus.Fixed(plan.Corpora[0], corpus)]) { Store = store, Executor = new Scripted(PeakAt5e3) }.Run();
        var again = new Scripted(PeakAt5e3);

        var second = new ComparisonStudy(plan, [StudyCorpus.Fixed(plan.Corpora[0], corpus)]) { Store = store, Executor = again }.Run();

        Assert.Empty(again.Trained);
        Assert.Equal((0, first.Trained), (second.Trained, second.Restored));
        Assert.Equal(Results.Runs(first.Runs), Results.Runs(second.Runs));
        Assert.Equal(Results.Runs(first.Tuning), Results.Runs(second.Tuning));
    }

    [Fact]
    public void Shards_train_their_slice_of_each_stage_and_wait_for_the_others_until_merged()
    {
        var corpus = Synthetic();
        var plan = Plan(2e-3, 5e-3, 1e-2) with { KeepModels = false };
        ComparisonStudy Study(string name, Shard? shard, bool train = true, IRunExecutor? executor = null) =>
            new(plan, [StudyCorpus.Fixed(plan.Corpora[0], corpus)]) { Store = new RunStore(Path.Combine(folder, name)), Shard = shard, TrainMissing = train, Executor = executor ?? new Scripted(PeakAt5e3) };
        var single = Study("single", null).Run();
        var merged = new RunStore(Directory.CreateDirectory(Path.Combine(folder, "merged")).FullName);

        var rounds = 0;
        StudyResults gathered;
        while (true)
        {
            foreach (var shard in new[] { new Shard(1, 2), new Shard(2, 2) })
            {
                var mine = new RunStore(Path.Combine(folder, $"shard-{shard.Index}"));
                mine.Import(merged);
                var waiting = new ComparisonStudy(plan, [StudyCorpus.Fixed(plan.Corpora[0], corpus)]) { Store = mine, Shard = shard, Executor = new Scripted(PeakAt5e3) }.Run();
                Assert.NotNull(waiting.Waiting);
                Assert.Contains($"shard {shard} has trained its part of the", waiting.Waiting);
            }

            merged.Import(new RunStore(Path.Combine(folder, "shard-1")));
            merged.Import(new RunStore(Path.Combine(folder, "shard-2")));
            gathered = new ComparisonStudy(plan, [StudyCorpus.Fixed(plan.Corpora[0], corpus)]) { Store = merged, TrainMissing = false }.Run();
            rounds++;
            if (gathered.Waiting is null || rounds == 5)
            {
                break;
            }

            Assert.Contains("not in the store", gathered.Waiting);
        }

        Assert.Null(gathered.Waiting);
        Assert.Equal(3, rounds);   // search (no extension needed: 5e-3 is inside), comparison, second-best
        Assert.Equal(Results.Runs(single.Runs), Results.Runs(gathered.Runs));
        Assert.Equal(Results.Runs(single.SecondBest), Results.Runs(gathered.SecondBest));
    }

    [Fact]
    public void Seeds_of_a_rotating_design_test_on_their_folds()
    {
        var lines = Enumerable.Range(0, 60).Select(i => $"\"word{i % 7} other{i % 5} text{i}\",{(i % 3 == 0 ? "spam" : i % 3 == 1 ? "ham" : "eggs")}");
        var path = TextAttention.Tests.Data.Files.Write("text,label\n" + string.Join("\n", lines) + "\n");
        var design = new CorpusDesign(path, [1, 2, 3]) { Folds = 5 };
        var plan = new ComparisonPlan(Profile.Ci, [design], ["mean"], new RunSettings(EmbeddingSize: 8, HiddenSize: 8, MaxLength: 8, Training: new TrainingOptions(Epochs: 1)), 1000, 1000);

        var corpora = plan.Load(new CorpusOptions());
        var executor = new Scripted(_ => 0.5);
        var results = new ComparisonStudy(plan, corpora) { Executor = executor }.Run();

        var folds = corpora.Single().Splits;
        Assert.Equal(5, folds.Count);
        Assert.Equal(5, folds.Select(f => f.Fingerprint).Distinct().Count());
        Assert.Equal([folds[1].Fingerprint, folds[2].Fingerprint, folds[3].Fingerprint], results.Runs.Select(r => r.Data));
        // Every fold's test split is disjoint from its training split, and the five test splits cover the file once.
        Assert.All(folds, f => Assert.Empty(f.Test.Select(e => e.Text).Intersect(f.Train.Select(e => e.Text))));
        Assert.Equal(60, folds.SelectMany(f => f.Test).Select(e => e.Text).Distinct().Count());
        Assert.Equal(60, folds.Sum(f => f.Test.Count));
    }

    [Fact]
    public void Plans_are_checked_before_anything_runs()
    {
        var plan = Plan(2e-3);
        string Error(ComparisonPlan p) => Assert.Throws<ArgumentException>(() => p.Validate()).Message;

        Assert.Contains("not a pooling: attention-3", Error(plan with { Poolings = ["han", "attention-3"] }));
        Assert.Contains("a pooling is listed twice", Error(plan with { Poolings = ["han", "han"] }));
        Assert.Contains("a seed is listed twice for synthetic", Error(plan with { Corpora = [new CorpusDesign(Corpora.Synthetic, [1, 1])] }));
        Assert.Contains("tuning seed 101, 102 chooses the learning rates", Error(plan with { Corpora = [new CorpusDesign(Corpora.Synthetic, [1, 101])] }));
        Assert.Contains("primary seeds must include all its seeds", Error(plan with { Corpora = [new CorpusDesign(Corpora.Synthetic, [1, 2]) { PrimarySeeds = [1, 3] }] }));
        Assert.Contains("is not in (0, 1]", Error(plan with { Settings = plan.Settings with { Training = new TrainingOptions(LearningRate: double.NaN) } }));
        Assert.Contains("a candidate rate that is not on the ladder", Assert.Throws<ArgumentException>(() => new LearningRateSearchPlan([3e-3], LearningRateSearchPlan.OneTwoFive, [101]).Validate()).Message);
        foreach (var published in new[] { ComparisonPlan.Ci, ComparisonPlan.Full, ComparisonPlan.Official })
        {
            published.Validate();
            Assert.Contains(published.Primary.A, published.Poolings);
            Assert.Contains(published.Primary.B, published.Poolings);
            Assert.All(published.Secondary, h => Assert.True(published.Poolings.Contains(h.A) && published.Poolings.Contains(h.B)));
        }
    }

    [Fact]
    public void An_empty_split_is_refused_and_a_class_without_training_examples_is_a_warning()
    {
        var plan = Plan(2e-3);
        var tiny = Corpora.Load(TextAttention.Tests.Data.Files.Write("text,label\nhello there,a\ngood bye,b\n"), new CorpusOptions());
        var oneSided = Synthetic() is var s ? s with { Train = [.. s.Train.Where(e => e.Label != 2)] } : null!;

        var error = Assert.Throws<ArgumentException>(() => new ComparisonStudy(plan, [StudyCorpus.Fixed(plan.Corpora[0], tiny)]));
        var study = new ComparisonStudy(plan, [StudyCorpus.Fixed(plan.Corpora[0], oneSided)]);

        Assert.Contains("split is empty", error.Message);
        Assert.Contains(study.Warnings, w => w.Contains("no training example of class class-C", StringComparison.Ordinal));
        Assert.Contains(study.Warnings, w => w.Contains("only 8 test examples", StringComparison.Ordinal));
    }
}
