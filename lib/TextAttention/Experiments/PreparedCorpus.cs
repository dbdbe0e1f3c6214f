using TextAttention.Data;
using TextAttention.Inference;
using TextAttention.Models;
using TextAttention.Text;

namespace TextAttention.Experiments;

/// <summary>A corpus tokenised, with its vocabulary and encoded splits: the part every pooling and seed shares.</summary>
public sealed record PreparedCorpus(
    Corpus Corpus,
    ITokenizer Tokenizer,
    Vocabulary Vocabulary,
    IReadOnlyList<EncodedExample> Train,
    IReadOnlyList<EncodedExample> Validation,
    IReadOnlyList<EncodedExample> Test,
    double TestOutOfVocabularyRate)
{
    /// <summary>The predictor of a model trained on this corpus, batching as <paramref name="settings"/> say.</summary>
    public Predictor Predictor(BiLstmClassifier model, RunSettings settings) =>
        new(model, Tokenizer, Vocabulary, Corpus.ClassNames, settings.Batching);

    /// <summary>Encodes more labelled examples (for example a <c>--test-file</c>) with this corpus's tokenizer and vocabulary.</summary>
    public List<EncodedExample> Encode(IEnumerable<Example> examples, int maxLength) =>
        Batcher.Encode(examples.Select(e => (e.Text, e.Label)), Tokenizer, Vocabulary, maxLength);
}
