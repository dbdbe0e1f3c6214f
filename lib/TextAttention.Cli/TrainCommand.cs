using System.CommandLine;
using System.Globalization;
using TextAttention.Attention;
using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.IO;
using TextAttention.Notebooks;
using TextAttention.Training;

namespace TextAttention.Cli;

/// <summary>
/// <c>train</c>: a comparison study on one dataset with the poolings and seeds you give, by the published protocol
/// (learning-rate search on validation, early stopping), with a summary and the paired verdict.
/// </summary>
internal static class TrainCommand
{
    public static Command Build()
    {
        var published = ComparisonPlan.Full;
        var dataset = Options.Dataset();
        var (attention1, attention2) = Poolings.BlogPost;
        var pooling = new Option<string>("--pooling")
        {
            Description = $"Comma-separated poolings: {string.Join(", ", Poolings.Names)}.",
            DefaultValueFactory = _ => $"{attention1},{attention2},dot-self,han,mean",
            HelpName = "names",
        }.Checked(list =>
        {
            var names = Options.Split(list);
            return names.FirstOrDefault(n => !Poolings.Names.Contains(n)) is { } unknown ? $"--pooling: '{unknown}' is not a pooling; choose from {string.Join(", ", Poolings.Names)}."
                : names.Count == 0 ? "--pooling needs at least one pooling."
                : names.Distinct().Count() != names.Count ? "--pooling: a pooling is listed twice."
                : null;
        });
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated seeds; each pooling is trained once per seed.", DefaultValueFactory = _ => "1,2,3", HelpName = "list" }
            .Checked(list => Options.Seeds("--seeds", list).Problem);
        var training = published.Settings.TrainingOrDefault;
        var epochs = Options.Whole("--epochs", "The most passes over the training split; training stops earlier when validation accuracy stops improving (see --patience).", training.Epochs, max: 10_000);
        var patience = Options.Whole("--patience", "Stop a run after this many epochs without a better validation accuracy; it keeps its best epoch.", training.Patience ?? 3, max: 10_000);
        var embedding = Options.Whole("--embedding", "Embedding size E.", 64, max: 4096);
        var hidden = Options.Whole("--hidden", "LSTM hidden size H per direction (the pooled vector has 2H).", 64, max: 4096);
        var maxLength = Options.Whole("--max-len", "Texts are truncated to this many tokens.", 64, max: 100_000);
        var batchSize = Options.Whole("--batch-size", "Examples per batch.", 64, max: 100_000);
        var threads = Options.Whole("--threads", "TorchSharp threads per run (fixed, for reproducible numbers; part of the settings).", 1, max: 256);
        var search = published.Search!;
        var learningRate = new Option<string>("--lr")
        {
            Description = $"Adam's learning rate, or 'tune': choose each pooling's rate from {string.Join(", ", search.Candidates.Select(RunSpec.Rate))} (extended while a winner sits at an edge) " +
                          $"on the validation split with seeds {string.Join(", ", search.TuningSeeds)} first, as the published comparison does.",
            DefaultValueFactory = _ => "tune",
            HelpName = "rate|tune",
        }.Checked(text => text == "tune" || (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && double.IsFinite(rate) && rate is > 0 and <= 1)
            ? null
            : $"--lr must be 'tune' or a number in (0, 1]; got '{text}'.");
        var jobs = Options.Jobs();
        var shard = Options.Shard();
        var runs = new Option<DirectoryInfo?>("--runs")
        {
            Description = "Keep finished runs in this store and skip those already there, so an interrupted study resumes. One study trains in a store at a time.",
            HelpName = "dir",
        };
        var fresh = Options.Fresh();
        var dataDir = Options.DataDir();
        var definition = Options.Definition();
        var offline = Options.NoDownload();
        var testFile = new Option<FileInfo?>("--test-file") { Description = "Also evaluate each trained model on this labelled file, in the dataset's format; its accuracy goes into --out's test_file_accuracy column.", HelpName = "file" };
        var output = new Option<FileInfo?>("--out") { Description = "Write one row per run to this CSV, and beside it the learning curves and per-item test results (<name>.history.csv, <name>.items.csv).", HelpName = "file" };
        var save = new Option<DirectoryInfo?>("--save") { Description = "Save each trained model as a checkpoint in DIR/<dataset>-<pooling>-seed<N>/, for `predict` and `explain`.", HelpName = "dir" };

        var command = new Command("train", "Train BiLSTM classifiers for each pooling and seed by the published protocol, then print mean ± std per pooling and the paired verdict on attention_1 vs attention_2.")
        {
            dataset, pooling, seeds, epochs, patience, embedding, hidden, maxLength, batchSize, learningRate, dataDir, definition, testFile, output, save, threads, jobs, shard, runs, fresh, offline,
        };
        command.SetAction(parse =>
        {
            var console = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            string? temporary = null;
            try
            {
                // Every path is checked before any data is read or any model trained.
                var problem = Options.OutputProblem("--out", parse.GetValue(output)) ?? Options.FolderProblem("--save", parse.GetValue(save))
                    ?? (parse.GetValue(runs) is { } r ? Options.StoreProblem("--runs", r.FullName, parse.GetValue(fresh)) : null)
                    ?? (parse.GetValue(testFile) is { Exists: false } missing ? $"--test-file: {missing.FullName} does not exist." : null)
                    ?? (parse.GetValue(shard) is not null && parse.GetValue(runs) is null ? "--shard needs --runs: a shard's runs are merged through run stores." : null);
                if (problem is not null)
                {
                    error.WriteLine("error: " + problem);
                    return 1;
                }

                var tune = parse.GetValue(learningRate) is "tune" or null;
                var settings = new RunSettings(parse.GetValue(embedding), parse.GetValue(hidden), parse.GetValue(maxLength), parse.GetValue(batchSize),
                    Training: new TrainingOptions(parse.GetValue(epochs), tune ? training.LearningRate : double.Parse(parse.GetValue(learningRate)!, CultureInfo.InvariantCulture),
                        Patience: parse.GetValue(patience)), Threads: parse.GetValue(threads));
                var needsModels = parse.GetValue(testFile) is not null || parse.GetValue(save) is not null;
                var plan = new ComparisonPlan(Profile.Full, [new CorpusDesign(parse.GetValue(dataset)!, Options.Seeds("--seeds", parse.GetValue(seeds)).Seeds)],
                    Options.Split(parse.GetValue(pooling)), settings, int.MaxValue, int.MaxValue)
                {
                    Search = tune ? search : null,
                    KeepModels = needsModels,
                }.Validate();

                var corpus = Corpora.Load(parse.GetValue(dataset)!, Options.CorpusOptions(parse, dataDir, offline, parse.GetValue(definition), error));
                var testExamples = parse.GetValue(testFile) is { } file ? Corpora.ReadExternal(corpus.Name, file.FullName, corpus.ClassNames, m => error.WriteLine("note: " + m)) : null;
                var folder = parse.GetValue(runs)?.FullName;
                if (folder is null && needsModels)
                {
                    folder = temporary = Path.Combine(Path.GetTempPath(), $"textattention-train-{Guid.NewGuid():N}");
                }

                var store = folder is null ? null : new RunStore(folder);
                plan = plan with { Corpora = [plan.Corpora[0] with { Name = corpus.Name }] };
                var study = new ComparisonStudy(plan, [StudyCorpus.Fixed(plan.Corpora[0], corpus)])
                {
                    Store = store,
                    Executor = Options.Executor(parse.GetValue(jobs), settings.Threads),
                    Shard = parse.GetValue(shard) is { } s ? Shard.Parse(s) : null,
                };

                // Cleared only now that the data, its splits and every option have passed their checks.
                if (parse.GetValue(fresh))
                {
                    store?.Clear();
                }
                foreach (var warning in study.Warnings)
                {
                    error.WriteLine("note: " + warning);
                }

                var data = study.Data.Prepared(new RunSpec(corpus.Name, corpus.Fingerprint, plan.Poolings[0], plan.Corpora[0].Seeds[0], settings));
                console.WriteLine($"{corpus.Name}: {corpus.Train.Count} train / {corpus.Validation.Count} validation / {corpus.Test.Count} test, " +
                                  $"{corpus.ClassNames.Count} classes, vocabulary {data.Vocabulary.Count:N0}, test OOV {data.TestOutOfVocabularyRate:P1}");
                var results = StudyProgress.Run(console, study, () => study.Run(StudyStage.Comparison), Report.Run);
                if (results.Waiting is not null)
                {
                    console.WriteLine(results.Waiting);
                    return 0;
                }

                Report.Choices(console, results.Choices);
                var extra = new Dictionary<RunSpec, double>();
                foreach (var run in needsModels ? results.Runs : [])
                {
                    using var model = study.LoadModel(run);
                    var predictor = study.Predictor(run, model);
                    if (testExamples is not null)
                    {
                        extra[run.Spec] = predictor.Evaluate(study.Prepared(run).Encode(testExamples, settings.MaxLength)).Accuracy;
                        console.WriteLine($"  {run.Spec}: --test-file accuracy {extra[run.Spec]:P2}");
                    }

                    if (parse.GetValue(save) is { } saveFolder)
                    {
                        var checkpoint = Path.Combine(saveFolder.FullName, $"{run.Dataset}-{run.Pooling}-seed{run.Seed}");
                        predictor.Save(checkpoint);
                        console.WriteLine($"  {run.Spec}: saved to {checkpoint}");
                    }
                }

                console.WriteLine();
                console.WriteLine(TextTables.Format(Statistics.Summary(results.Runs.Select(r => r.Score))));
                if (plan.Poolings.Contains(attention1) && plan.Poolings.Contains(attention2))
                {
                    Report.Verdicts(console, Hypotheses.Test(plan, Results.Items(results.Runs), []).Primary);
                }

                if (parse.GetValue(output) is { } csv)
                {
                    var written = Results.Save(csv.FullName, results.Runs, items: true, testFileAccuracy: extra.Count == 0 ? null : run => extra.GetValueOrDefault(run.Spec));
                    console.WriteLine($"wrote {string.Join(", ", written)}");
                }

                return 0;
            }
            catch (Exception e) when (e is DataFormatException or IOException or ArgumentException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException)
            {
                error.WriteLine("error: " + e.Message);
                return 1;
            }
            finally
            {
                if (temporary is not null && Directory.Exists(temporary))
                {
                    Directory.Delete(temporary, recursive: true);
                }
            }
        });
        return command;
    }
}
