import { describe, expect, it } from 'vitest';
import { relationAgainst } from '../src/answer/claim-checks/relation-words.ts';

const mamba = ['On language modeling, our Mamba-3B model outperforms Transformers of the same size and matches Transformers twice its size.'];

describe('relation words', () => {
  it('reads which party a rank is said of, so "beats" is not "matches"', () => {
    expect(relationAgainst('Mamba-3B beats Transformers twice its size.', mamba)).toMatch(/"beats" where the paper.s "matches" says match/);
    expect(relationAgainst('Mamba-3B is on par with Transformers twice its size.', mamba)).toBeUndefined();
    expect(relationAgainst('Mamba-3B surpasses same-size Transformers.', mamba)).toBeUndefined();
    expect(relationAgainst('Mamba-3B is outperformed by Transformers twice its size.', mamba)).toBeDefined();
  });

  it('reads a rank either way round, and its parties across a short aside', () => {
    const glue = ['Encoder-only models like BERT-base outperform LLMs on benchmarks like GLUE and SuperGLUE.'];
    expect(relationAgainst('Prompted LLMs lag behind encoder-only models such as BERT-base on GLUE.', glue)).toBeUndefined();
    expect(relationAgainst('Prompted LLMs beat encoder-only models such as BERT-base on GLUE.', glue)).toBeDefined();
    const mix = ["We discover that a leaky modality mix, where samples contain questions answerable from both the image and its caption, outperforms non-leaky combinations of captions and QA pairs."];
    expect(relationAgainst('Non-leaky combinations of captions and QA pairs beat the leaky modality mix.', mix)).toMatch(/other way round/);
    expect(relationAgainst('The leaky modality mix does better than non-leaky combinations of captions and QA pairs.', mix)).toBeUndefined();
    const tiny = ['Our mini models surpass BERT.', 'The Small model is 68% smaller, and the Tiny model, 83% smaller, matches BERT accuracy at 18.6x speed.'];
    expect(relationAgainst('The Tiny model beats BERT accuracy.', tiny)).toBeDefined();
  });

  it('reads which of two is preferred, and a "matching number" as no tie', () => {
    const paper = ['Large models emphasize versatility and generalization rather than performance on a single task.'];
    expect(relationAgainst('Large models emphasize performance on a single task rather than versatility.', paper)).toMatch(/other way round/);
    expect(relationAgainst('Large models favour versatility instead of performance on a single task.', paper)).toBeUndefined();
    const video = ['Instead of preparing massive video-text datasets, we focus on constructing large-scale and high-quality image-text datasets.'];
    expect(relationAgainst('It builds massive video-text datasets rather than image-text ones.', video)).toMatch(/other way round/);
    expect(relationAgainst('It builds high-quality image-text datasets rather than massive video-text ones.', video)).toBeUndefined();
    expect(relationAgainst('Images are encoded into a matching number of tokens instead of a fixed count.', ['Images are encoded into a variable number of tokens rather than a fixed count.'])).toBeUndefined();
  });

  it('lets a claim allow more than the paper says, not less', () => {
    const paper = ['Our mini models outperform or match the performance of RoBERTa and MPNet.'];
    expect(relationAgainst('The mini models are at least as good as RoBERTa.', paper)).toBeUndefined();
    expect(relationAgainst('The mini models clearly outperform RoBERTa.', paper)).toBeDefined();
  });

  it('reads a change by what it changes: both ways, how much, and each member of a list', () => {
    const tsfm = ['The architectural enhancements primarily improve ID performance but reduce OOD scalability.'];
    expect(relationAgainst('The enhancements improve both ID performance and OOD scalability.', tsfm)).toBeDefined();
    expect(relationAgainst('The enhancements help ID performance but hurt OOD scalability.', tsfm)).toBeUndefined();
    const codebook = ['Networks can operate under this extreme bottleneck with only modest degradation in performance.'];
    expect(relationAgainst('The bottleneck causes a large drop in performance.', codebook)).toMatch(/big/);
    expect(relationAgainst('The bottleneck costs only a slight drop in performance.', codebook)).toBeUndefined();
    const diverse = [
      'The synthetic dataset demonstrates similar or higher levels of dataset complexity and diversity.',
      'We hope it helps with reducing the human efforts to generate complex datasets.',
    ];
    expect(relationAgainst('The synthetic data turns out less diverse than the original datasets.', diverse)).toMatch(/"less"/);
    expect(relationAgainst('The synthetic data turns out at least as complex, with higher diversity.', diverse)).toBeUndefined();
    const metric = ['CodeBERTScore achieves a higher correlation with human preference and with functional correctness than all existing metrics.'];
    expect(relationAgainst('CodeBERTScore correlates less with functional correctness than BLEU does.', metric)).toMatch(/"less"/);
    expect(relationAgainst('CodeBERTScore has higher correlation with functional correctness than BLEU.', metric)).toBeUndefined();
    const adapter = ['The enhanced models with our adapter module are superior to the state-of-the-art models in terms of generation quality and reliability.'];
    expect(relationAgainst('The adapter makes generation quality worse but improves reliability.', adapter)).toMatch(/"worse"/);
    expect(relationAgainst('The adapter improves generation quality and reliability.', adapter)).toBeUndefined();
    // Cutting latency is a gain, whatever the verb.
    expect(relationAgainst('It improves inference latency of the model.', ['It reduces inference latency of the model.'])).toBeUndefined();
  });

  it('rejects "only works with" where the paper generalizes', () => {
    const paper = ['We show that the temporal layers trained in this way generalize to different fine-tuned text-to-image LDMs.'];
    expect(relationAgainst('The temporal layers only work with the specific LDM they were trained with.', paper)).toBeDefined();
    expect(relationAgainst('The trained temporal layers carry over to other fine-tuned LDMs.', paper)).toBeUndefined();
  });
});
