using System.Text.Json;
using TextAttention.IO;
using TextAttention.Models;
using TextAttention.Text;

namespace TextAttention.Training;

/// <summary>
/// A trained classifier on disk: <c>config.json</c> (sizes, pooling, tokenizer, class names),
/// <c>vocabulary.txt</c> and <c>weights.bin</c> (TorchSharp's format), written so that a reader never
/// sees a half-written checkpoint. Loading rebuilds the same model with the same predictions.
/// </summary>
public static class Checkpoint
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Everything besides the weights that is needed to use the model again.</summary>
    public sealed record Manifest(ClassifierConfig Model, string Tokenizer, IReadOnlyList<string> ClassNames, int MaxLength);

    public static void Save(string folder, BiLstmClassifier model, Vocabulary vocabulary, Manifest manifest)
    {
        Directory.CreateDirectory(folder);
        var weights = Path.Combine(folder, "weights.bin");
        var temporary = Path.Combine(folder, $".weights.{Guid.NewGuid():N}.tmp");
        try
        {
            model.save(temporary);
            File.Move(temporary, weights, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        vocabulary.Save(Path.Combine(folder, "vocabulary.txt"));
        // The manifest goes last: a folder with a manifest is a complete checkpoint.
        AtomicFile.WriteAllText(Path.Combine(folder, "config.json"), JsonSerializer.Serialize(manifest, Json));
    }

    public static (BiLstmClassifier Model, Vocabulary Vocabulary, Manifest Manifest) Load(string folder)
    {
        var configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
        {
            throw new FileNotFoundException($"{folder} is not a checkpoint: it has no config.json.", configPath);
        }

        var manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(configPath))
            ?? throw new InvalidDataException($"{configPath} is empty.");
        var vocabulary = Vocabulary.Load(Path.Combine(folder, "vocabulary.txt"));
        if (vocabulary.Count != manifest.Model.VocabularySize)
        {
            throw new InvalidDataException($"{folder}: the vocabulary has {vocabulary.Count} tokens but the model was built for {manifest.Model.VocabularySize}.");
        }

        var model = new BiLstmClassifier(manifest.Model);
        model.load(Path.Combine(folder, "weights.bin"));
        model.eval();
        return (model, vocabulary, manifest);
    }
}
