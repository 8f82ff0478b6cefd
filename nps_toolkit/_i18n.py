"""Wording of figures and reports in the report languages (en, ru, pl).

Every piece of text a reader sees — axis labels, titles, legends, table
headers, report prose — lives here, so that adding a phrase or a language is
one edit in one place.

* :data:`TEXTS`: key -> ``{"en": ..., "ru": ..., "pl": ...}``; strings may
  hold ``str.format`` placeholders such as ``{n}``, the same ones in every
  language. Read with :func:`text`.
* :data:`HEADERS`: column name -> display header of that column in a table
  (``ci_low`` -> "CI low"). Read with :func:`header`; a column without an
  entry keeps its own name.
* :func:`number` and :func:`percent` format numbers the way each language
  writes them (decimal comma and narrow no-break-space thousands separator in
  Russian and Polish, a true minus sign everywhere).

The names of the interpretation bands (very low ... very high) belong to
:func:`nps_toolkit.interpret`.

To add a phrase, add an entry with all three languages; the test suite checks
that every entry has every language and the same placeholders in each.

Examples
--------
>>> text("detractors", "ru")
'Детракторы'
>>> text("n_eq", "pl", n=number(1234, "pl", decimals=0))
'n = 1\\u202f234'
>>> header("ci_low", "en")
'CI low'
>>> header("my_column", "ru")   # columns without an entry keep their name
'my_column'
"""

from __future__ import annotations

import difflib
import math
import numbers
import string

from ._validation import check_choice

__all__ = ["LANGUAGES", "TEXTS", "HEADERS", "check_language", "text", "header", "number", "percent",
           "placeholders"]

#: Report languages, in the order the error messages list them.
LANGUAGES = ("en", "ru", "pl")

#: Minus sign (U+2212), as matplotlib writes it on axes.
MINUS = "\u2212"

#: Thousands separator of Russian and Polish (narrow no-break space, U+202F).
_THIN = "\u202f"

TEXTS: dict[str, dict[str, str]] = {
    # -- categories (plural, capitalised: legends, headers) ----------------------------------------
    "promoters": {"en": "Promoters", "ru": "Промоутеры", "pl": "Promotorzy"},
    "passives": {"en": "Passives", "ru": "Нейтралы (пассивы)", "pl": "Neutralni (pasywni)"},
    "detractors": {"en": "Detractors", "ru": "Детракторы", "pl": "Krytycy"},
    "category_legend": {"en": "{category} ({low}–{high}): {share}", "ru": "{category} ({low}–{high}): {share}",
                        "pl": "{category} ({low}–{high}): {share}"},
    # -- quantities and axis labels ----------------------------------------------------------------
    "nps": {"en": "NPS", "ru": "NPS", "pl": "NPS"},
    "nps_value": {"en": "NPS = {nps}", "ru": "NPS = {nps}", "pl": "NPS = {nps}"},
    "nps_points": {"en": "NPS, points", "ru": "NPS, пункты", "pl": "NPS, pkt"},
    "n_eq": {"en": "n = {n}", "ru": "n = {n}", "pl": "n = {n}"},
    "weighted": {"en": "weighted", "ru": "взвешено", "pl": "ważone"},
    "period": {"en": "Period", "ru": "Период", "pl": "Okres"},
    "answer": {"en": "Answer", "ru": "Оценка", "pl": "Odpowiedź"},
    "answer_scale": {"en": "Answer ({low}–{high})", "ru": "Оценка ({low}–{high})", "pl": "Odpowiedź ({low}–{high})"},
    "answers": {"en": "Answers", "ru": "Ответы", "pl": "Odpowiedzi"},
    "share": {"en": "Share", "ru": "Доля", "pl": "Udział"},
    "share_pct": {"en": "Share of answers, %", "ru": "Доля ответов, %", "pl": "Udział odpowiedzi, %"},
    "count": {"en": "Count", "ru": "Количество", "pl": "Liczba"},
    "difference": {"en": "Difference", "ru": "Разница", "pl": "Różnica"},
    "difference_axis": {"en": "Difference in NPS, points", "ru": "Разница NPS, пункты", "pl": "Różnica NPS, pkt"},
    "difference_vs": {"en": "Difference in NPS from {reference}, points",
                      "ru": "Разница NPS относительно {reference}, пункты",
                      "pl": "Różnica NPS względem {reference}, pkt"},
    "change": {"en": "Change", "ru": "Изменение", "pl": "Zmiana"},
    "level": {"en": "Level", "ru": "Уровень", "pl": "Poziom"},
    "increase": {"en": "Increase", "ru": "Рост", "pl": "Wzrost"},
    "decrease": {"en": "Decrease", "ru": "Снижение", "pl": "Spadek"},
    "benchmark": {"en": "Benchmark", "ru": "Бенчмарк", "pl": "Benchmark"},
    "benchmark_value": {"en": "Benchmark: {value}", "ru": "Бенчмарк: {value}", "pl": "Benchmark: {value}"},
    "interval": {"en": "{confidence} confidence interval", "ru": "{confidence} доверительный интервал",
                 "pl": "Przedział ufności {confidence}"},
    "interval_plain": {"en": "Confidence interval", "ru": "Доверительный интервал", "pl": "Przedział ufności"},
    "nps_with_interval": {"en": "NPS with {confidence} interval", "ru": "NPS и {confidence} доверительный интервал",
                          "pl": "NPS z przedziałem ufności {confidence}"},
    "low_n": {"en": "n < {min_n}: few answers", "ru": "n < {min_n}: мало ответов",
              "pl": "n < {min_n}: mało odpowiedzi"},
    "low_n_short": {"en": "Few answers (low n)", "ru": "Мало ответов", "pl": "Mało odpowiedzi"},
    "significant_change": {"en": "Significant change", "ru": "Значимое изменение", "pl": "Istotna zmiana"},
    "significant_increase": {"en": "Significant increase", "ru": "Значимый рост", "pl": "Istotny wzrost"},
    "significant_decrease": {"en": "Significant decrease", "ru": "Значимое снижение", "pl": "Istotny spadek"},
    "significant_difference": {"en": "Significant difference", "ru": "Значимая разница", "pl": "Istotna różnica"},
    "significant_higher": {"en": "Significantly higher", "ru": "Значимо выше", "pl": "Istotnie wyższy"},
    "significant_lower": {"en": "Significantly lower", "ru": "Значимо ниже", "pl": "Istotnie niższy"},
    "not_significant_difference": {"en": "Not significant", "ru": "Незначимая разница", "pl": "Różnica nieistotna"},
    "no_difference": {"en": "No difference", "ru": "Нет разницы", "pl": "Brak różnicy"},
    "no_answers": {"en": "no answers", "ru": "нет ответов", "pl": "brak odpowiedzi"},
    "overall": {"en": "All respondents", "ru": "Все респонденты", "pl": "Wszyscy respondenci"},
    "missing_group": {"en": "(missing)", "ru": "(не указано)", "pl": "(brak danych)"},
    "reference": {"en": "reference", "ru": "база сравнения", "pl": "odniesienie"},
    "reference_label": {"en": "{label} (reference)", "ru": "{label} (база сравнения)", "pl": "{label} (odniesienie)"},
    "no_answers_label": {"en": "{label} (no answers)", "ru": "{label} (нет ответов)",
                         "pl": "{label} (brak odpowiedzi)"},
    # -- decomposition components ------------------------------------------------------------------
    "previous": {"en": "Previous", "ru": "Прошлый период", "pl": "Poprzedni okres"},
    "current": {"en": "Current", "ru": "Текущий период", "pl": "Bieżący okres"},
    "within": {"en": "Within {segment}", "ru": "Внутри: {segment}", "pl": "W segmencie: {segment}"},
    "mix": {"en": "Segment mix", "ru": "Структура сегментов", "pl": "Struktura segmentów"},
    # -- figure titles -----------------------------------------------------------------------------
    "distribution_title": {"en": "Distribution of answers", "ru": "Распределение оценок", "pl": "Rozkład odpowiedzi"},
    "nps_by": {"en": "NPS by {group}", "ru": "NPS в разрезе «{group}»", "pl": "NPS w podziale na: {group}"},
    "nps_over_time": {"en": "NPS over time", "ru": "Динамика NPS", "pl": "NPS w czasie"},
    "nps_over_time_by": {"en": "NPS over time by {group}", "ru": "Динамика NPS в разрезе «{group}»",
                         "pl": "NPS w czasie w podziale na: {group}"},
    "differences_title": {"en": "Differences in NPS ({confidence} intervals)",
                          "ru": "Разница NPS ({confidence} доверительные интервалы)",
                          "pl": "Różnice NPS (przedziały ufności {confidence})"},
    "differences_title_plain": {"en": "Differences in NPS", "ru": "Разница NPS", "pl": "Różnice NPS"},
    "change_in_nps": {"en": "Change in NPS", "ru": "Изменение NPS", "pl": "Zmiana NPS"},
    "decomposition_title": {"en": "Change in NPS: {previous} → {current} ({change} points)",
                            "ru": "Изменение NPS: {previous} → {current} ({change} п.)",
                            "pl": "Zmiana NPS: {previous} → {current} ({change} pkt)"},
    # -- report headings (nps_toolkit.studies: Study.heading) --------------------------------------
    "heading_distribution": {"en": "Distribution of answers", "ru": "Распределение оценок",
                             "pl": "Rozkład odpowiedzi"},
    "heading_segments": {"en": "NPS by segment", "ru": "NPS по сегментам", "pl": "NPS według segmentów"},
    "heading_benchmark_source": {"en": "Benchmark source:", "ru": "Источник бенчмарка:",
                                 "pl": "Źródło benchmarku:"},
    "heading_brands": {"en": "NPS by brand", "ru": "NPS по брендам", "pl": "NPS według marek"},
    "heading_comparisons": {"en": "Our brand against the competitors", "ru": "Наш бренд в сравнении с конкурентами",
                            "pl": "Nasza marka na tle konkurentów"},
    "heading_trend": {"en": "NPS over time", "ru": "Динамика NPS", "pl": "NPS w czasie"},
    "heading_decomposition": {"en": "What made up the latest change", "ru": "Из чего сложилось последнее изменение",
                              "pl": "Z czego wynika ostatnia zmiana"},
    "heading_segment_trends": {"en": "NPS over time by segment", "ru": "Динамика NPS по сегментам",
                               "pl": "NPS w czasie według segmentów"},
    "heading_methods": {"en": "Methods", "ru": "Методика", "pl": "Metodyka"},
    # -- report prose (nps_toolkit.studies) --------------------------------------------------------
    "significant": {"en": "the difference is statistically significant", "ru": "разница статистически значима",
                    "pl": "różnica jest istotna statystycznie"},
    "not_significant": {"en": "the difference is not statistically significant",
                        "ru": "разница статистически не значима",
                        "pl": "różnica nie jest istotna statystycznie"},
    "headline_nps": {"en": "NPS is {nps} ({conf} CI {low} to {high}): {band}.",
                     "ru": "NPS равен {nps} ({conf} ДИ от {low} до {high}): {band} уровень.",
                     "pl": "NPS wynosi {nps} ({conf} PU od {low} do {high}): poziom {band}."},
    "headline_above": {"en": "That is {points} points above the benchmark of {benchmark}; {significance}.",
                       "ru": "Это на {points} п. выше бенчмарка ({benchmark}); {significance}.",
                       "pl": "To o {points} pkt więcej niż benchmark ({benchmark}); {significance}."},
    "headline_below": {"en": "That is {points} points below the benchmark of {benchmark}; {significance}.",
                       "ru": "Это на {points} п. ниже бенчмарка ({benchmark}); {significance}.",
                       "pl": "To o {points} pkt mniej niż benchmark ({benchmark}); {significance}."},
    "benchmark_given": {"en": "value given by the analyst", "ru": "значение задано аналитиком",
                        "pl": "wartość podana przez analityka"},
    "headline_brand": {"en": "{brand}: NPS {nps} ({conf} CI {low} to {high}).",
                       "ru": "{brand}: NPS {nps} ({conf} ДИ от {low} до {high}).",
                       "pl": "{brand}: NPS {nps} ({conf} PU od {low} do {high})."},
    "brand_better_than": {"en": "Significantly higher than {brands}.", "ru": "Значимо выше, чем у: {brands}.",
                          "pl": "Istotnie wyższy niż: {brands}."},
    "brand_worse_than": {"en": "Significantly lower than {brands}.", "ru": "Значимо ниже, чем у: {brands}.",
                         "pl": "Istotnie niższy niż: {brands}."},
    "brand_no_difference": {"en": "No significant difference from any competitor.",
                            "ru": "Значимых отличий от конкурентов нет.",
                            "pl": "Brak istotnych różnic względem konkurentów."},
    "brand_best": {"en": "Most likely to have the highest NPS: {brand} ({p}).",
                   "ru": "Наиболее вероятный лидер по NPS: {brand} ({p}).",
                   "pl": "Najbardziej prawdopodobny lider NPS: {brand} ({p})."},
    "change_up": {"en": "In {current} NPS is {nps}, up {points} points on {previous} ({conf} CI of the change "
                        "{low} to {high}); {significance}.",
                  "ru": "В {current} NPS равен {nps}: на {points} п. выше, чем в {previous} ({conf} ДИ изменения "
                        "от {low} до {high}); {significance}.",
                  "pl": "W {current} NPS wynosi {nps}, o {points} pkt więcej niż w {previous} ({conf} PU zmiany "
                        "od {low} do {high}); {significance}."},
    "change_down": {"en": "In {current} NPS is {nps}, down {points} points on {previous} ({conf} CI of the change "
                          "{low} to {high}); {significance}.",
                    "ru": "В {current} NPS равен {nps}: на {points} п. ниже, чем в {previous} ({conf} ДИ изменения "
                          "от {low} до {high}); {significance}.",
                    "pl": "W {current} NPS wynosi {nps}, o {points} pkt mniej niż w {previous} ({conf} PU zmiany "
                          "od {low} do {high}); {significance}."},
    "methods_note": {"en": "NPS = % promoters (9–10) − % detractors (0–6), from {n} answers; {missing} missing "
                           "answers were left out. Intervals and tests: {method} method, {confidence} confidence.",
                     "ru": "NPS = % промоутеров (9–10) − % детракторов (0–6), по {n} ответам; пропущенные ответы "
                           "({missing}) исключены. Интервалы и тесты: метод {method}, уровень доверия {confidence}.",
                     "pl": "NPS = % promotorów (9–10) − % krytyków (0–6), z {n} odpowiedzi; brakujące odpowiedzi "
                           "({missing}) pominięto. Przedziały i testy: metoda {method}, poziom ufności {confidence}."},
    "methods_reading": {"en": "Data: {file}, read as {layout}; score column {score}{date}.",
                        "ru": "Данные: {file}, прочитаны как {layout}; столбец оценок {score}{date}.",
                        "pl": "Dane: {file}, odczytane jako {layout}; kolumna ocen {score}{date}."},
    "methods_reading_date": {"en": ", date column {date}", "ru": ", столбец дат {date}", "pl": ", kolumna dat {date}"},
    "methods_reading_order": {"en": " ({order})", "ru": " ({order})", "pl": " ({order})"},
    "order_day_first": {"en": "day first", "ru": "сначала день", "pl": "najpierw dzień"},
    "order_month_first": {"en": "month first", "ru": "сначала месяц", "pl": "najpierw miesiąc"},
    "order_by_layout": {"en": "{order}, the export format of {layout}", "ru": "{order}, формат выгрузки {layout}",
                        "pl": "{order}, format eksportu {layout}"},
    "methods_reading_zone": {"en": " in {zone} time", "ru": " по времени {zone}", "pl": " w czasie {zone}"},
    "methods_kept": {"en": "Rows kept although the platform marks them: {kept}.",
                     "ru": "Оставлены строки, помеченные платформой: {kept}.",
                     "pl": "Zachowano wiersze oznaczone przez platformę: {kept}."},
    "methods_excluded": {"en": "Rows left out before the analysis: {excluded}.",
                         "ru": "До анализа исключены строки: {excluded}.",
                         "pl": "Przed analizą pominięto wiersze: {excluded}."},
    "reason_count": {"en": "{n} {reason}", "ru": "{reason}: {n}", "pl": "{reason}: {n}"},
    "reason_preview": {"en": "survey previews", "ru": "предпросмотры опроса", "pl": "podglądy ankiety"},
    "reason_test": {"en": "test responses", "ru": "тестовые ответы", "pl": "odpowiedzi testowe"},
    "reason_spam": {"en": "spam", "ru": "спам", "pl": "spam"},
    "reason_partial": {"en": "partial (not submitted) responses", "ru": "неполные (не отправленные) ответы",
                       "pl": "niepełne (niewysłane) odpowiedzi"},
    "reason_duplicate": {"en": "earlier answers of repeat respondents", "ru": "ранние ответы повторных респондентов",
                         "pl": "wcześniejsze odpowiedzi powracających respondentów"},
    "methods_weighted": {"en": "Estimates are weighted by column {column} (intervals use the Kish effective "
                               "sample size).",
                         "ru": "Оценки взвешены по столбцу {column} (интервалы — по эффективному размеру выборки "
                               "Киша).",
                         "pl": "Oszacowania ważono kolumną {column} (przedziały według efektywnej liczebności próby "
                               "Kisha)."},
    "methods_segments": {"en": "Each segment is compared with all other respondents; p-values are Holm-adjusted.",
                         "ru": "Каждый сегмент сравнивается со всеми остальными респондентами; p-значения "
                               "скорректированы методом Холма.",
                         "pl": "Każdy segment porównano ze wszystkimi pozostałymi respondentami; wartości p "
                               "skorygowano metodą Holma."},
    "methods_brands": {"en": "Our brand is compared with each competitor; p-values are adjusted for multiple "
                             "comparisons ({correction}).",
                       "ru": "Наш бренд сравнивается с каждым конкурентом; p-значения скорректированы на "
                             "множественные сравнения ({correction}).",
                       "pl": "Naszą markę porównano z każdym konkurentem; wartości p skorygowano na wielokrotne "
                             "porównania ({correction})."},
    # -- key drivers ----------------------------------------------------------------------------------
    "drivers_title": {"en": "What drives the score (R² = {r2})", "ru": "Что влияет на оценку (R² = {r2})",
                      "pl": "Co wpływa na ocenę (R² = {r2})"},
    "drivers_title_plain": {"en": "What drives the score", "ru": "Что влияет на оценку",
                            "pl": "Co wpływa na ocenę"},
    "drivers_axis": {"en": "Importance: share of the explained variance (R²)",
                     "ru": "Важность: доля объяснённой дисперсии (R²)",
                     "pl": "Ważność: udział w wyjaśnionej wariancji (R²)"},
    "drivers_positive": {"en": "Higher rating, higher score", "ru": "Выше оценка атрибута — выше оценка",
                         "pl": "Wyższa ocena cechy — wyższy wynik"},
    "drivers_negative": {"en": "Higher rating, lower score", "ru": "Выше оценка атрибута — ниже оценка",
                         "pl": "Wyższa ocena cechy — niższy wynik"},
    "drivers_interval": {"en": "{confidence} bootstrap interval", "ru": "{confidence} бутстреп-интервал",
                         "pl": "Przedział bootstrapowy {confidence}"},
    # -- comment themes (theme_<name>) and acting on feedback -----------------------------------------
    "theme_price": {"en": "Price", "ru": "Цена", "pl": "Cena"},
    "theme_quality": {"en": "Quality", "ru": "Качество", "pl": "Jakość"},
    "theme_support": {"en": "Customer support", "ru": "Поддержка", "pl": "Obsługa klienta"},
    "theme_delivery": {"en": "Delivery", "ru": "Доставка", "pl": "Dostawa"},
    "theme_usability": {"en": "Ease of use", "ru": "Удобство", "pl": "Wygoda użytkowania"},
    "theme_innovation": {"en": "Innovation", "ru": "Инновации", "pl": "Innowacyjność"},
    "theme_expectations": {"en": "Expectations", "ru": "Ожидания", "pl": "Oczekiwania"},
    "heading_feedback": {"en": "Acting on feedback: what the comments cost", "ru": "Что говорят комментарии: цена проблем",
                         "pl": "Co mówią komentarze: ile kosztują problemy"},
    "feedback_top": {"en": "Respondents who mention {theme} give an NPS of {nps_with} against {nps_without} for the rest: "
                           "{points} points of the overall score.",
                     "ru": "Те, кто упоминает тему «{theme}», дают NPS {nps_with} против {nps_without} у остальных: "
                           "{points} п. общего результата.",
                     "pl": "Respondenci wspominający o temacie „{theme}” dają NPS {nps_with} wobec {nps_without} u "
                           "pozostałych: {points} pkt wyniku ogólnego."},
    "feedback_note": {"en": "Comments are sorted into pluses, minuses and suggestions and their themes by a "
                            "transparent lexicon (en, ru, pl; about 87% of kinds right on held-out comments). Impact = "
                            "share mentioning × (NPS with − NPS without); intervals from the two-sample comparison, "
                            "p-values Holm-adjusted; weighted like the rest of the report.",
                      "ru": "Комментарии разобраны на плюсы, минусы и предложения и по темам прозрачным словарём "
                            "(en, ru, pl; около 87% верных типов на отложенной выборке). Влияние = доля упоминающих × "
                            "(NPS упоминающих − NPS остальных); интервалы по двухвыборочному сравнению, p-значения с "
                            "поправкой Холма; веса те же, что во всём отчёте.",
                      "pl": "Komentarze podzielono na plusy, minusy i sugestie oraz tematy przejrzystym słownikiem "
                            "(en, ru, pl; ok. 87% trafnych typów na odłożonych komentarzach). Wpływ = udział "
                            "wspominających × (NPS wspominających − NPS pozostałych); przedziały z porównania dwóch "
                            "prób, wartości p z poprawką Holma; wagi jak w całym raporcie."},
}

HEADERS: dict[str, dict[str, str]] = {
    "theme": {"en": "theme", "ru": "тема", "pl": "temat"},
    "priority": {"en": "priority", "ru": "приоритет", "pl": "priorytet"},
    "mentions": {"en": "mentions", "ru": "упоминаний", "pl": "wzmianki"},
    "nps_with": {"en": "NPS with", "ru": "NPS упомянувших", "pl": "NPS wspominających"},
    "nps_without": {"en": "NPS without", "ru": "NPS остальных", "pl": "NPS pozostałych"},
    "impact": {"en": "impact", "ru": "влияние", "pl": "wpływ"},
    "impact_low": {"en": "impact low", "ru": "влияние от", "pl": "wpływ od"},
    "impact_high": {"en": "impact high", "ru": "влияние до", "pl": "wpływ do"},
    "minus_share": {"en": "% minuses", "ru": "% минусов", "pl": "% minusów"},
    "suggestion_share": {"en": "% suggestions", "ru": "% предложений", "pl": "% sugestii"},
    "n": {"en": "n", "ru": "n", "pl": "n"},
    "n_missing": {"en": "Missing", "ru": "Пропуски", "pl": "Braki"},
    "n_effective": {"en": "Effective n", "ru": "Эффективный n", "pl": "Efektywne n"},
    "promoters": TEXTS["promoters"],
    "passives": TEXTS["passives"],
    "detractors": TEXTS["detractors"],
    "promoter_share": {"en": "% promoters", "ru": "% промоутеров", "pl": "% promotorów"},
    "passive_share": {"en": "% passives", "ru": "% нейтралов", "pl": "% neutralnych"},
    "detractor_share": {"en": "% detractors", "ru": "% детракторов", "pl": "% krytyków"},
    "nps": {"en": "NPS", "ru": "NPS", "pl": "NPS"},
    "ci_low": {"en": "CI low", "ru": "ДИ от", "pl": "PU od"},
    "ci_high": {"en": "CI high", "ru": "ДИ до", "pl": "PU do"},
    "difference": {"en": "Difference", "ru": "Разница", "pl": "Różnica"},
    "diff_low": {"en": "Difference: CI low", "ru": "Разница: ДИ от", "pl": "Różnica: PU od"},
    "diff_high": {"en": "Difference: CI high", "ru": "Разница: ДИ до", "pl": "Różnica: PU do"},
    "change": {"en": "Change", "ru": "Изменение", "pl": "Zmiana"},
    "change_low": {"en": "Change: CI low", "ru": "Изменение: ДИ от", "pl": "Zmiana: PU od"},
    "change_high": {"en": "Change: CI high", "ru": "Изменение: ДИ до", "pl": "Zmiana: PU do"},
    "p_value": {"en": "p-value", "ru": "p-значение", "pl": "Wartość p"},
    "p_value_adjusted": {"en": "Adjusted p-value", "ru": "Скорр. p-значение", "pl": "Skorygowana wartość p"},
    "significant": {"en": "Significant", "ru": "Значимо", "pl": "Istotne"},
    "low_n": {"en": "Few answers", "ru": "Мало ответов", "pl": "Mało odpowiedzi"},
    "p_best": {"en": "P(highest NPS)", "ru": "P(лучший NPS)", "pl": "P(najwyższy NPS)"},
    "band": {"en": "Band", "ru": "Уровень", "pl": "Poziom"},
    "period": TEXTS["period"],
    "date": {"en": "Date", "ru": "Дата", "pl": "Data"},
    "score": {"en": "Score", "ru": "Оценка", "pl": "Ocena"},
    "segment": {"en": "Segment", "ru": "Сегмент", "pl": "Segment"},
    "region": {"en": "Region", "ru": "Регион", "pl": "Region"},
    "brand": {"en": "Brand", "ru": "Бренд", "pl": "Marka"},
    "channel": {"en": "Channel", "ru": "Канал", "pl": "Kanał"},
    "component": {"en": "Component", "ru": "Компонент", "pl": "Składnik"},
    "points": {"en": "Points", "ru": "Пункты", "pl": "Punkty"},
    "kind": {"en": "Kind", "ru": "Тип", "pl": "Rodzaj"},
    "n_previous": {"en": "n before", "ru": "n до", "pl": "n przed"},
    "n_current": {"en": "n now", "ru": "n сейчас", "pl": "n teraz"},
    "share_previous": {"en": "Share before", "ru": "Доля до", "pl": "Udział przed"},
    "share_current": {"en": "Share now", "ru": "Доля сейчас", "pl": "Udział teraz"},
    "nps_previous": {"en": "NPS before", "ru": "NPS до", "pl": "NPS przed"},
    "nps_current": {"en": "NPS now", "ru": "NPS сейчас", "pl": "NPS teraz"},
}


def check_language(language) -> str:
    """Validate a report language; the error lists the allowed ones.

    Examples
    --------
    >>> check_language("pl")
    'pl'
    >>> check_language("de")
    Traceback (most recent call last):
    ...
    ValueError: unknown language 'de'; allowed: 'en', 'ru', 'pl'
    """
    return check_choice(language, LANGUAGES, name="language")


def placeholders(template: str) -> set[str]:
    """Names of the ``str.format`` placeholders of a string.

    Examples
    --------
    >>> sorted(placeholders("{a} and {b:.1f}"))
    ['a', 'b']
    """
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def text(key: str, language: str = "en", **fmt) -> str:
    """The wording of ``key`` in ``language``, with ``fmt`` filled in.

    Parameters
    ----------
    key : str
        An entry of :data:`TEXTS`.
    language : {"en", "ru", "pl"}
        Report language.
    **fmt
        Values of the placeholders of the entry (every one is required).

    Examples
    --------
    >>> text("passives", "pl")
    'Neutralni (pasywni)'
    >>> text("low_n", "ru", min_n=30)
    'n < 30: мало ответов'
    >>> text("low_n")
    Traceback (most recent call last):
    ...
    KeyError: "text 'low_n' needs a value for {min_n}"
    """
    check_language(language)
    entry = TEXTS.get(key) if isinstance(key, str) else None
    if entry is None:
        near = difflib.get_close_matches(str(key), TEXTS, n=3)
        hint = f"; did you mean {', '.join(repr(k) for k in near)}?" if near else ""
        raise KeyError(f"no text {key!r}{hint}")
    template = entry[language]
    missing = sorted(placeholders(template) - set(fmt))
    if missing:
        raise KeyError(f"text {key!r} needs a value for " + ", ".join("{" + m + "}" for m in missing))
    return template.format(**fmt) if fmt or "{" in template else template


def header(column, language: str = "en") -> str:
    """Display header of a table column; a column without an entry keeps its name.

    Examples
    --------
    >>> header("p_value_adjusted", "pl")
    'Skorygowana wartość p'
    >>> header("segment", "ru")
    'Сегмент'
    """
    check_language(language)
    entry = HEADERS.get(column) if isinstance(column, str) else None
    return entry[language] if entry is not None else str(column)


def number(value, language: str = "en", *, decimals: int = 1, sign: bool = False) -> str:
    """A number as the language writes it: decimal comma in ru/pl, a true minus sign.

    NaN (or None) gives an en dash. With ``sign``, positive numbers get a
    ``+`` (a value that rounds to zero gets no sign).

    Examples
    --------
    >>> number(-12.345)
    '−12.3'
    >>> number(12.5, "ru", sign=True)
    '+12,5'
    >>> number(1234567, "en", decimals=0), number(1234567, "pl", decimals=0)
    ('1,234,567', '1\\u202f234\\u202f567')
    >>> number(float("nan"))
    '–'
    """
    check_language(language)
    if value is None or (isinstance(value, numbers.Real) and math.isnan(float(value))):
        return "–"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"number() needs a real number, got {value!r}")
    body = f"{abs(float(value)):,.{int(decimals)}f}"
    rounded_zero = float(body.replace(",", "")) == 0.0
    if language != "en":
        body = body.replace(",", _THIN).replace(".", ",")
    if rounded_zero:
        return body
    if value < 0:
        return MINUS + body
    return ("+" + body) if sign else body


def percent(share, language: str = "en", *, decimals: int = 0) -> str:
    """A share (0..1) as a percentage in the language's number format.

    Examples
    --------
    >>> percent(0.456), percent(0.456, "ru", decimals=1)
    ('46%', '45,6%')
    """
    if share is None or (isinstance(share, numbers.Real) and math.isnan(float(share))):
        return "–"
    return number(100.0 * float(share), language, decimals=decimals) + "%"


# -- text from the data, made safe for where it is shown ------------------------------------------------------
#: Characters with a meaning in Markdown (and ``$`` for the maths of Jupyter's renderer), escaped by a backslash.
_MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|$~"


def escape_markdown(value) -> str:
    r"""``value`` as text that Markdown (and Jupyter's maths) shows as it is: HTML-escaped, specials backslashed.

    Survey data is written by the public: a brand, a segment, a comment or a
    title reaches a report only through this (or :func:`html.escape` in
    HTML). Line breaks become spaces, so a value cannot open a block.

    Examples
    --------
    >>> escape_markdown("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert\\(1\\)&gt;'
    >>> escape_markdown("Promo $\\badcmd$ [x](javascript:alert(1))")
    'Promo \\$\\\\badcmd\\$ \\[x\\]\\(javascript:alert\\(1\\)\\)'
    """
    import html

    text = " ".join(str(value).split())
    text = "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in text)
    return html.escape(text, quote=False)


def markdown_text(key: str, language: str = "en", **fmt) -> str:
    """:func:`text` for a Markdown cell: the sentence as written, every value put into it escaped.

    Examples
    --------
    >>> markdown_text("within", "en", segment="<b>North</b>")
    'Within &lt;b&gt;North&lt;/b&gt;'
    """
    return text(key, language, **{k: escape_markdown(v) for k, v in fmt.items()})
