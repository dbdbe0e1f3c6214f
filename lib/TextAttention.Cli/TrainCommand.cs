using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TextAttention.Attention;
using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.IO;
using TextAttention.Notebooks;
using TextAttention.Training;
using TorchSharp;

namespace TextAttention.Cli;

/// <summary><c>train</c>: a grid of BiLSTM classifiers over poolings and seeds on one dataset, with a summary and the paired verdict.</summary>
internal static class TrainCommand
{
    /// <summary>Everything <c>train</c> was asked to do, parsed and checked.</summary>
    private sealed record Request(
        Corpus Corpus,
        IReadOnlyList<string> Poolings,
        IReadOnlyList<int> Seeds,
        RunSettings Settings,
        List<Example>? TestFile,
        string? Output,
        string? SaveFolder,
        RunStore? Store,
        GridWorkers? Workers,
        Shard? Shard,
        bool TuneLearningRate);

    public static Command Build()
    {
        var dataset = new Option<string>("--dataset")
        {
            Description = $"{string.Join(", ", Corpora.Names)}, or the path of a labelled CSV/TSV file (header with 'text' and 'label').",
            DefaultValueFactory = _ => Corpora.Synthetic,
        };
        var (attention1, attention2) = Poolings.BlogPost;
        var pooling = new Option<string>("--pooling")
        {
            Description = $"Comma-separated poolings: {string.Join(", ", Poolings.Names)}.",
            DefaultValueFactory = _ => $"{attention1},{attention2},dot-self,han,mean",
            HelpName = "names",
        };
        pooling.Validators.Add(r =>
        {
            foreach (var name in Split(r.GetValueOrDefault<string>()).Where(n => !Poolings.Names.Contains(n)))
            {
                r.AddError($"--pooling: '{name}' is not a pooling; choose from {string.Join(", ", Poolings.Names)}.");
            }
        });
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated seeds; each pooling is trained once per seed.", DefaultValueFactory = _ => "1,2,3", HelpName = "list" };
        seeds.Validators.Add(r =>
        {
            if (Split(r.GetValueOrDefault<string>()).Any(s => !int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)) || Split(r.GetValueOrDefault<string>()).Count == 0)
            {
                r.AddError("--seeds must be a comma-separated list of whole numbers, for example 1,2,3.");
            }
        });
        var published = ComparisonPlan.Full;
        var epochs = Positive("--epochs", "The most passes over the training split; training stops earlier when validation accuracy stops improving (see --patience).",
            published.Settings.TrainingOrDefault.Epochs);
        var patience = Positive("--patience", "Stop a run after this many epochs without a better validation accuracy; it keeps its best epoch.",
            published.Settings.TrainingOrDefault.Patience ?? 3);
        var embedding = Positive("--embedding", "Embedding size E.", 64);
        var hidden = Positive("--hidden", "LSTM hidden size H per direction (the pooled vector has 2H).", 64);
        var maxLength = Positive("--max-len", "Texts are truncated to this many tokens.", 64);
        var batchSize = Positive("--batch-size", "Examples per batch.", 64);
        var threads = Positive("--threads", "TorchSharp threads per run (fixed, for reproducible numbers; part of the settings).", 1);
        var jobs = GridCommand.Jobs();
        var shard = GridCommand.ShardOption();
        var runs = new Option<DirectoryInfo?>("--runs") { Description = "Keep finished runs in this store and skip those already there, so an interrupted grid resumes.", HelpName = "dir" };
        var fresh = new Option<bool>("--fresh") { Description = "Forget the runs in the --runs store first." };
        var learningRate = new Option<string>("--lr")
        {
            Description = $"Adam's learning rate, or 'tune': choose each pooling's rate from {string.Join(", ", published.LearningRates.Select(r => r.ToString("G3", CultureInfo.InvariantCulture)))} " +
                          $"on the validation split with seed {string.Join(", ", published.TuningSeeds)} first, as the published comparison does.",
            DefaultValueFactory = _ => "tune",
            HelpName = "rate|tune",
        };
        learningRate.Validators.Add(r =>
        {
            var text = r.GetValueOrDefault<string>();
            if (text != "tune" && (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate is <= 0 or > 1))
            {
                r.AddError("--lr must be 'tune' or a number in (0, 1].");
            }
        });
        var dataDir = new Option<DirectoryInfo?>("--data-dir") { Description = $"Data folder holding agnews/ and thucnews/ (default: {Repository.DataVariable}, else data/).", HelpName = "dir" };
        var testFile = new Option<FileInfo?>("--test-file") { Description = "Also evaluate each trained model on this labelled file, in the dataset's format.", HelpName = "file" };
        var output = new Option<FileInfo?>("--out") { Description = "Write one row per run to this CSV, and the learning curves to <name>.history.csv beside it.", HelpName = "file" };
        var save = new Option<DirectoryInfo?>("--save") { Description = "Save each trained model as a checkpoint in DIR/<dataset>-<pooling>-seed<N>/, for `predict`.", HelpName = "dir" };
        var offline = new Option<bool>("--no-download") { Description = "Fail instead of downloading a missing corpus." };
        var definition = DataDefinition();

        var command = new Command("train", "Train BiLSTM classifiers for each pooling and seed, then print mean ± std per pooling and the paired verdict on attention_1 vs attention_2.")
        {
            dataset, pooling, seeds, epochs, patience, embedding, hidden, maxLength, batchSize, learningRate, dataDir, definition, testFile, output, save, threads, jobs, shard, runs, fresh, offline,
        };
        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var needsModels = parse.GetValue(testFile) is not null || parse.GetValue(save) is not null;
                if (needsModels && (parse.GetValue(jobs) is > 1 || parse.GetValue(runs) is not null || parse.GetValue(shard) is not null))
                {
                    error.WriteLine("error: --save and --test-file use each model as it finishes, so they need the runs trained here: leave out --jobs, --runs and --shard.");
                    return 1;
                }

                var store = parse.GetValue(runs) is { } folder ? new RunStore(folder.FullName) : null;
                if (parse.GetValue(fresh))
                {
                    store?.Clear();
                }

                var corpus = Corpora.Load(parse.GetValue(dataset)!, new CorpusOptions(Repository.DataFolder(parse.GetValue(dataDir)), !parse.GetValue(offline),
                    Warn: m => error.WriteLine("note: " + m), Definition: parse.GetValue(definition)));
                var request = new Request(
                    corpus,
                    Split(parse.GetValue(pooling)!),
                    Split(parse.GetValue(seeds)!).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList(),
                    new RunSettings(parse.GetValue(embedding), parse.GetValue(hidden), parse.GetValue(maxLength), parse.GetValue(batchSize),
                        Training: new TrainingOptions(parse.GetValue(epochs), parse.GetValue(learningRate) is "tune" or null ? published.Settings.TrainingOrDefault.LearningRate
                            : double.Parse(parse.GetValue(learningRate)!, CultureInfo.InvariantCulture), Patience: parse.GetValue(patience)), Threads: parse.GetValue(threads)),
                    parse.GetValue(testFile) is { } file ? Corpora.ReadExternal(corpus.Name, file.FullName, corpus.ClassNames, m => error.WriteLine("note: " + m)) : null,
                    parse.GetValue(output)?.FullName,
                    parse.GetValue(save)?.FullName,
                    store,
                    needsModels ? null : GridCommand.Workers(parse.GetValue(jobs), parse.GetValue(threads)),
                    parse.GetValue(shard) is { } slice ? Shard.Parse(slice) : null,
                    parse.GetValue(learningRate) is "tune" or null);
                return Execute(parse.InvocationConfiguration.Output, request);
            }
            catch (Exception e) when (e is DataFormatException or IOException or ArgumentException or InvalidDataException or InvalidOperationException)
            {
                error.WriteLine("error: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    private static int Execute(TextWriter console, Request request)
    {
        var data = Experiment.Prepare(request.Corpus, request.Settings);
        var corpus = request.Corpus;
        console.WriteLine($"{corpus.Name}: {corpus.Train.Count} train / {corpus.Validation.Count} validation / {corpus.Test.Count} test, " +
                          $"{corpus.ClassNames.Count} classes, vocabulary {data.Vocabulary.Count:N0}, test OOV {data.TestOutOfVocabularyRate:P1}");
        var grid = new ExperimentGrid(request.Poolings, request.Seeds, request.Settings) { Store = request.Store, Workers = request.Workers, Shard = request.Shard };
        if (request.TuneLearningRate)
        {
            var plan = ComparisonPlan.Full;
            if (request.Seeds.Intersect(plan.TuningSeeds).Any())
            {
                throw new ArgumentException($"seed {string.Join(", ", plan.TuningSeeds)} chooses the learning rates, so it cannot also be reported; pick other --seeds or give --lr.");
            }

            console.WriteLine($"choosing each pooling's learning rate from {string.Join(", ", plan.LearningRates)} on validation (seed {string.Join(", ", plan.TuningSeeds)}) ...");
            var search = new ExperimentGrid(request.Poolings, plan.TuningSeeds, request.Settings) { LearningRates = (_, _) => plan.LearningRates }
                .With(request.Store, request.Workers);
            var tuning = GridProgress.Run(console, search, () => search.Run([data]), (key, run) =>
                $"  {key}: best validation accuracy {run.History.Best.ValidationAccuracy:P2} (epoch {run.History.BestEpoch} of {run.History.Epochs.Count})");
            var choices = LearningRateSearch.Choose(tuning);
            foreach (var choice in choices)
            {
                console.WriteLine($"  {choice.Pooling}: learning rate {choice.Chosen.ToString("G3", CultureInfo.InvariantCulture)}");
            }

            grid = new ExperimentGrid(request.Poolings, request.Seeds, request.Settings) { LearningRates = LearningRateSearch.AsGridRates(choices) }
                .With(request.Store, request.Workers, request.Shard);
        }

        var testFile = request.TestFile is null ? null : data.Encode(request.TestFile, request.Settings.MaxLength);
        var extras = new Dictionary<RunKey, string>();
        grid.RunFinished += (key, run) =>
        {
            var line = "";
            if (testFile is not null)
            {
                line += $", --test-file accuracy {data.Predictor(run.Model!, request.Settings).Evaluate(testFile).Accuracy:P2}";
            }

            if (request.SaveFolder is not null)
            {
                var folder = Path.Combine(request.SaveFolder, $"{key.Dataset}-{key.Pooling}-seed{key.Seed}");
                data.Predictor(run.Model!, request.Settings).Save(folder);
                line += $", saved to {folder}";
            }

            extras[key] = line;
        };

        var runs = GridProgress.Run(console, grid, () => grid.Run([data]), (key, run) =>
            $"{key.Pooling} seed {key.Seed}{(key.LearningRate is { } rate ? $" (lr {rate.ToString("G3", CultureInfo.InvariantCulture)})" : "")}: test accuracy {run.Test.Accuracy:P2}, macro-F1 {run.Test.MacroF1:P2} (best epoch {run.History.BestEpoch} of {run.History.Epochs.Count}, {run.Seconds:F0} s)" +
            extras.GetValueOrDefault(key, ""));
        console.WriteLine();
        console.WriteLine(TextTables.Format(Statistics.Summary(runs.Select(r => r.Score))));
        var (attention1, attention2) = Poolings.BlogPost;
        if (request.Poolings.Contains(attention1) && request.Poolings.Contains(attention2))
        {
            console.WriteLine();
            console.WriteLine("attention_1 vs attention_2: " + Statistics.Paired(runs.Select(r => r.Score), corpus.Name, attention1, attention2).Verdict);
        }

        if (request.Output is not null)
        {
            Results.Save(request.Output, runs, items: true);
            console.WriteLine($"wrote {request.Output} and {Results.HistoryPath(request.Output)}");
        }

        return 0;
    }

    /// <summary><c>--data</c>: which files make up a real corpus (<see cref="CorpusDefinition"/>).</summary>
    public static Option<CorpusDefinition> DataDefinition() => new("--data")
    {
        Description = "published: the files behind the published numbers, checked against their SHA-256 (AG News test.csv; THUCNews dev.txt and test.txt); " +
                      "official: the official splits with the large training files; available: whatever the data folder holds.",
        DefaultValueFactory = _ => CorpusDefinition.Published,
        HelpName = "published|official|available",
    };

    private static Option<int> Positive(string name, string description, int defaultValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError($"{name} must be at least 1.");
            }
        });
        return option;
    }

    private static List<string> Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
