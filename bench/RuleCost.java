// What each LanguageTool rule costs on a corpus: run by bench/grammar_rule_cost.py with LanguageTool's
// jars on the class path (Java's single-file source mode, nothing to build). LanguageTool 6.7's server
// reads `slowRuleLoggingThreshold` from its configuration but nothing uses the value, so its own
// slow-rule logging cannot be had; this times every rule active by default through LanguageTool's Java
// API instead, on the paragraphs cleaner sends.
//
// The rules are those a server's check runs at the default level with no tone tags asked for: active
// by default, not tagged "picky", and not goal-specific where they carry a tone tag (the filter of
// JLanguageTool's own check, repeated here as it is not public).
//
// Arguments: LANGUAGE PARAGRAPHS.json PASSES. The paragraphs (a JSON array of strings) are analysed
// once per pass (tokenising, tagging, disambiguation: timed as "(analysis)"), then each rule is run on
// them and timed; the first pass warms the JIT and is not counted. Printed: one tab-separated line per
// rule id (pattern rules with sub-rules summed under their id): id, category id, nanoseconds over the
// counted passes, matches in one pass.

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.json.JSONArray;
import org.languagetool.AnalyzedSentence;
import org.languagetool.JLanguageTool;
import org.languagetool.Languages;
import org.languagetool.Tag;
import org.languagetool.rules.Rule;
import org.languagetool.rules.TextLevelRule;

public class RuleCost {
  public static void main(String[] args) throws Exception {
    JLanguageTool tool = new JLanguageTool(Languages.getLanguageForShortCode(args[0]));
    JSONArray array = new JSONArray(Files.readString(Path.of(args[1])));
    int passes = Integer.parseInt(args[2]);
    List<String> paragraphs = new ArrayList<>();
    for (int i = 0; i < array.length(); i++) {
      paragraphs.add(array.getString(i));
    }
    List<Rule> rules = new ArrayList<>();
    for (Rule rule : tool.getAllActiveRules()) {
      if (!rule.hasTag(Tag.picky) && (rule.getToneTags().isEmpty() || !rule.isGoalSpecific())) {
        rules.add(rule);
      }
    }
    Map<String, long[]> cost = new HashMap<>();  // id -> {nanoseconds, matches}
    Map<String, String> category = new HashMap<>();
    for (int pass = 0; pass <= passes; pass++) {
      boolean counted = pass > 0;
      for (String paragraph : paragraphs) {
        long began = System.nanoTime();
        List<AnalyzedSentence> sentences = tool.analyzeText(paragraph);
        add(cost, "(analysis)", counted ? System.nanoTime() - began : 0, 0);
        for (Rule rule : rules) {
          int found = 0;
          began = System.nanoTime();
          try {
            if (rule instanceof TextLevelRule) {
              found = ((TextLevelRule) rule).match(sentences).length;
            } else {
              for (AnalyzedSentence sentence : sentences) {
                found += rule.match(sentence).length;
              }
            }
          } catch (Exception exc) {
            System.err.println(rule.getId() + ": " + exc);
          }
          long spent = System.nanoTime() - began;
          category.putIfAbsent(rule.getId(), rule.getCategory().getId().toString());
          add(cost, rule.getId(), counted ? spent : 0, pass == 1 ? found : 0);
        }
      }
    }
    category.put("(analysis)", "");
    for (Map.Entry<String, long[]> entry : cost.entrySet()) {
      long[] value = entry.getValue();
      System.out.println(
          entry.getKey() + "\t" + category.get(entry.getKey()) + "\t" + value[0] + "\t" + value[1]);
    }
  }

  private static void add(Map<String, long[]> cost, String id, long nanos, int matches) {
    long[] value = cost.computeIfAbsent(id, key -> new long[2]);
    value[0] += nanos;
    value[1] += matches;
  }
}
