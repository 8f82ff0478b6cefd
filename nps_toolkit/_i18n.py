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
* :func:`number`, :func:`percent`, :func:`change` and :func:`confidence_level`
  format numbers the way each language writes them, by Babel from the CLDR
  data of the locale in :data:`LOCALES` (decimal comma and no-break-space
  groups in Russian and Polish, "46 %" in Russian), with a fixed number of
  decimals, a true minus sign (U+2212) everywhere and an en dash for a
  missing number. The digits are those Python's own rounding of the value
  gives; Babel writes them.

The names of the interpretation bands (very low ... very high) belong to
:func:`nps_toolkit.interpret`.

To add a phrase, add an entry with all three languages; the test suite checks
that every entry has every language and the same placeholders in each.

Examples
--------
>>> text("detractors", "ru")
'Детракторы'
>>> text("n_eq", "ru", n=number(1234, "ru", decimals=0))
'n = 1\\xa0234'
>>> header("ci_low", "en")
'CI low'
>>> header("my_column", "ru")   # columns without an entry keep their name
'my_column'
"""

from __future__ import annotations

import decimal
import difflib
import functools
import math
import numbers
import re
import string

from ._validation import check_choice

__all__ = ["LANGUAGES", "LOCALES", "MINUS", "TEXTS", "HEADERS", "check_language", "text", "header", "number",
           "percent", "change", "rounds_to_zero", "confidence_level", "placeholders"]

#: Report languages, in the order the error messages list them.
LANGUAGES = ("en", "ru", "pl")

#: Babel (CLDR) locale whose number conventions each report language follows. English is en_GB because the
#: package writes British English (colour, summarise); for the numbers it writes (decimal point, comma groups,
#: "46%") en_GB and en_US are the same.
LOCALES = {"en": "en_GB", "ru": "ru_RU", "pl": "pl_PL"}

#: Minus sign (U+2212), as matplotlib writes it on axes; CLDR's minus for en, ru and pl is the hyphen-minus.
MINUS = "\u2212"

#: Written for a missing number (None, NaN): an en dash.
MISSING = "\u2013"

#: CLDR's minimumGroupingDigits where it is not 1 (Babel does not apply it): Polish groups a number only from
#: five digits up (1234, but 12 345).
_MIN_GROUPING_DIGITS = {"pl": 2}

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
    # a change or difference that rounds to zero where a signed number would stand (change(); figures)
    "change_zero": {"en": "no change", "ru": "без изменений", "pl": "bez zmian"},
    "difference_zero": {"en": "no difference", "ru": "нет разницы", "pl": "brak różnicy"},
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
    "decomposition_title_zero": {"en": "Change in NPS: {previous} → {current} (no change)",
                                 "ru": "Изменение NPS: {previous} → {current} (без изменений)",
                                 "pl": "Zmiana NPS: {previous} → {current} (bez zmian)"},
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
    "methods_design": {"en": "Standard errors follow the sample design (Taylor linearisation, as R's survey package): "
                             "strata {strata}, primary sampling units {psu}, finite-population correction {fpc}; "
                             "the design effect of the overall NPS is {deff} (intervals at the effective sample "
                             "size n / deff).",
                       "ru": "Стандартные ошибки учитывают дизайн выборки (линеаризация Тейлора, как в пакете R "
                             "survey): страты — {strata}, первичные единицы отбора — {psu}, поправка на конечную "
                             "совокупность — {fpc}; эффект дизайна общего NPS — {deff} (интервалы — по "
                             "эффективному размеру выборки n / deff).",
                       "pl": "Błędy standardowe uwzględniają schemat doboru próby (linearyzacja Taylora, jak w "
                             "pakiecie R survey): warstwy — {strata}, pierwotne jednostki losowania — {psu}, "
                             "poprawka na skończoną populację — {fpc}; efekt schematu dla ogólnego NPS wynosi {deff} "
                             "(przedziały według efektywnej liczebności próby n / deff)."},
    "design_none": {"en": "none", "ru": "нет", "pl": "brak"},
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
    "methods_comments": {"en": "Comments are cut into clauses and sorted into pluses, minuses, suggestions and mixed "
                               "comments, with their themes, by a transparent lexicon (en, ru, pl). On {n} held-out "
                               "comments written the way customers write, {kind} of the unmixed comments get the "
                               "right kind and {pairs} of the (theme, kind) pairs are found.",
                         "ru": "Комментарии разбиты на части и разобраны на плюсы, минусы, предложения и смешанные, "
                               "с темами, прозрачным словарём (en, ru, pl). На {n} отложенных комментариях, "
                               "написанных так, как пишут клиенты, тип верно определён у {kind} несмешанных "
                               "комментариев и найдено {pairs} пар (тема, тип).",
                         "pl": "Komentarze podzielono na części i na plusy, minusy, sugestie i mieszane, z tematami, "
                               "przejrzystym słownikiem (en, ru, pl). Na {n} odłożonych komentarzach pisanych tak, "
                               "jak piszą klienci, typ jest trafny w {kind} komentarzy niemieszanych, a znaleziono "
                               "{pairs} par (temat, typ)."},
    "feedback_note": {"en": "Themes as read from the comments (see the methods note). Impact = share mentioning × "
                            "(NPS with − NPS without); intervals from the two-sample comparison, p-values "
                            "Holm-adjusted; weighted like the rest of the report.",
                      "ru": "Темы определены по комментариям (см. методику). Влияние = доля упоминающих × (NPS "
                            "упоминающих − NPS остальных); интервалы по двухвыборочному сравнению, p-значения с "
                            "поправкой Холма; веса те же, что во всём отчёте.",
                      "pl": "Tematy odczytane z komentarzy (zob. metodykę). Wpływ = udział wspominających × (NPS "
                            "wspominających − NPS pozostałych); przedziały z porównania dwóch prób, wartości p z "
                            "poprawką Holma; wagi jak w całym raporcie."},
    "feedback_model_note": {"en": "The kinds come from the comment model {file} (trained on {n} labelled comments; "
                                  "cross-validated accuracy {accuracy}) where it is sure, from the lexicon elsewhere; "
                                  "the themes from the lexicon.",
                            "ru": "Типы комментариев даёт модель {file} (обучена на {n} размеченных комментариях; "
                                  "точность при перекрёстной проверке {accuracy}), где она уверена, в остальных "
                                  "случаях словарь; темы определяет словарь.",
                            "pl": "Typy komentarzy daje model {file} (wytrenowany na {n} opisanych komentarzach; "
                                  "trafność w walidacji krzyżowej {accuracy}) tam, gdzie jest pewny, gdzie indziej "
                                  "słownik; tematy wyznacza słownik."},
    # -- key figures, quotes, action plan, follow-up list (nps_toolkit.studies) -------------------------
    "heading_key_figures": {"en": "Key figures", "ru": "Ключевые показатели", "pl": "Najważniejsze wskaźniki"},
    "heading_verbatims": {"en": "What respondents say", "ru": "Что говорят респонденты", "pl": "Co mówią respondenci"},
    "heading_action_plan": {"en": "Action plan", "ru": "План действий", "pl": "Plan działań"},
    "heading_followup": {"en": "Detractors to contact", "ru": "С кем из детракторов связаться",
                         "pl": "Krytycy do kontaktu"},
    "kf_nps_value": {"en": "{nps} ({conf} CI {low} to {high})", "ru": "{nps} ({conf} ДИ от {low} до {high})",
                     "pl": "{nps} ({conf} PU od {low} do {high})"},
    "kf_n_value": {"en": "{n} ({missing} missing)", "ru": "{n} (пропусков: {missing})", "pl": "{n} (braków: {missing})"},
    "kf_period_nps": {"en": "NPS in {period}", "ru": "NPS в {period}", "pl": "NPS w {period}"},
    "kf_change": {"en": "Change on {previous}", "ru": "Изменение к {previous}", "pl": "Zmiana wobec {previous}"},
    "kf_change_value": {"en": "{change} ({conf} CI {low} to {high}), {significance}",
                        "ru": "{change} ({conf} ДИ от {low} до {high}), {significance}",
                        "pl": "{change} ({conf} PU od {low} do {high}), {significance}"},
    "kf_benchmark": {"en": "Against the benchmark of {benchmark}", "ru": "Относительно бенчмарка {benchmark}",
                     "pl": "Względem benchmarku {benchmark}"},
    "kf_rank": {"en": "Rank of {brand} by NPS", "ru": "Место {brand} по NPS", "pl": "Miejsce {brand} według NPS"},
    "kf_rank_value": {"en": "{rank} of {brands}", "ru": "{rank} из {brands}", "pl": "{rank} z {brands}"},
    "kf_leader": {"en": "Highest NPS", "ru": "Наивысший NPS", "pl": "Najwyższy NPS"},
    "kf_leader_value": {"en": "{brand} ({nps})", "ru": "{brand} ({nps})", "pl": "{brand} ({nps})"},
    "kf_followup": {"en": "Detractors to contact", "ru": "Детракторов для связи", "pl": "Krytyków do kontaktu"},
    "kf_significant": {"en": "significant", "ru": "значимо", "pl": "istotnie"},
    "kf_not_significant": {"en": "not significant", "ru": "незначимо", "pl": "nieistotnie"},
    "change_none": {"en": "In {current} NPS is {nps}, unchanged on {previous} ({conf} CI of the change {low} to "
                          "{high}); {significance}.",
                    "ru": "В {current} NPS равен {nps}: без изменений относительно {previous} ({conf} ДИ изменения "
                          "от {low} до {high}); {significance}.",
                    "pl": "W {current} NPS wynosi {nps}, bez zmian względem {previous} ({conf} PU zmiany od {low} do "
                          "{high}); {significance}."},
    "headline_level": {"en": "That is level with the benchmark of {benchmark}; {significance}.",
                       "ru": "Это на уровне бенчмарка ({benchmark}); {significance}.",
                       "pl": "To tyle, ile wynosi benchmark ({benchmark}); {significance}."},
    "headline_no_answers": {"en": "There are no answers to analyse.", "ru": "Нет ответов для анализа.",
                            "pl": "Brak odpowiedzi do analizy."},
    "groups_no_answers": {"en": "No answers for: {groups}.", "ru": "Нет ответов: {groups}.",
                          "pl": "Brak odpowiedzi: {groups}."},
    "kind_plus": {"en": "Plus", "ru": "Плюс", "pl": "Plus"},
    "kind_minus": {"en": "Minus", "ru": "Минус", "pl": "Minus"},
    "kind_suggestion": {"en": "Suggestion", "ru": "Предложение", "pl": "Sugestia"},
    "verbatim_quote": {"en": "{kind}, score {score}: “{quote}”", "ru": "{kind}, оценка {score}: «{quote}»",
                       "pl": "{kind}, ocena {score}: „{quote}”"},
    "verbatims_note": {"en": "Up to {per_theme} quotes per theme and kind, chosen by rule: complaints and suggestions "
                             "from the lowest scores, praise from the highest; comments longer than {max_chars} "
                             "characters are shortened (…). Quotes are in the respondents' own words and language.",
                       "ru": "До {per_theme} цитат на тему и тип, отобранных по правилу: жалобы и предложения — с самыми "
                             "низкими оценками, похвала — с самыми высокими; комментарии длиннее {max_chars} знаков "
                             "сокращены (…). Цитаты приведены словами и на языке респондентов.",
                       "pl": "Do {per_theme} cytatów na temat i rodzaj, wybranych według reguły: skargi i sugestie z "
                             "najniższych ocen, pochwały z najwyższych; komentarze dłuższe niż {max_chars} znaków "
                             "skrócono (…). Cytaty podano słowami i w języku respondentów."},
    "verbatims_none": {"en": "No comments to quote.", "ru": "Нет комментариев для цитирования.",
                       "pl": "Brak komentarzy do zacytowania."},
    "action_plan_note": {"en": "Themes that cost NPS points, riskiest first: significant costs first, then the largest "
                               "possible cost (the lower end of the {conf} interval of the impact). The share of "
                               "detractors who mention each theme tells how many of the unhappy it touches; owners "
                               "come from the parameter theme_owners, next steps from the lexicon's guidance.",
                         "ru": "Темы, которые стоят пунктов NPS, в порядке риска: сначала значимые потери, затем — по "
                               "наибольшим возможным потерям (нижней границе {conf} интервала влияния). Доля "
                               "детракторов, упомянувших тему, показывает, скольких недовольных она касается; "
                               "ответственные — из параметра theme_owners, следующие шаги — из рекомендаций словаря.",
                         "pl": "Tematy, które kosztują punkty NPS, od największego ryzyka: najpierw istotne straty, "
                               "potem według największej możliwej straty (dolnej granicy przedziału {conf} wpływu). "
                               "Udział krytyków wspominających temat mówi, ilu niezadowolonych on dotyczy; właściciele "
                               "z parametru theme_owners, kolejne kroki z zaleceń słownika."},
    "action_plan_period_note": {"en": "Themes that cost NPS points in {current}, with their impact in {previous}: a "
                                      "change in impact below zero means the cost grew.",
                                "ru": "Темы, которые стоят пунктов NPS в {current}, и их влияние в {previous}: "
                                      "изменение влияния ниже нуля означает, что потери выросли.",
                                "pl": "Tematy, które kosztują punkty NPS w {current}, z ich wpływem w {previous}: "
                                      "zmiana wpływu poniżej zera oznacza, że strata wzrosła."},
    "action_plan_none": {"en": "No theme costs NPS points.", "ru": "Ни одна тема не стоит пунктов NPS.",
                         "pl": "Żaden temat nie kosztuje punktów NPS."},
    "action_plan_period_none": {"en": "No theme costs NPS points in {current}.",
                                "ru": "В {current} ни одна тема не стоит пунктов NPS.",
                                "pl": "W {current} żaden temat nie kosztuje punktów NPS."},
    "risk_high": {"en": "significant cost", "ru": "значимые потери", "pl": "istotna strata"},
    "risk_possible": {"en": "possible cost", "ru": "возможные потери", "pl": "możliwa strata"},
    "impact_interval_value": {"en": "{impact} ({low} to {high})", "ru": "{impact} (от {low} до {high})",
                              "pl": "{impact} (od {low} do {high})"},
    "followup_note": {"en": "Detractors among the analysed answers: {n}. They are listed, most urgent first (lowest "
                            "score, then the costliest themes, then the most recent), in the files that come with "
                            "this report: the follow-up list (.followup.csv) and the workbook (.xlsx, sheet "
                            "“followup”). The list holds personal data and is not shown here.",
                      "ru": "Детракторов среди проанализированных ответов: {n}. Они перечислены, начиная с самых "
                            "срочных (самая низкая оценка, затем самые дорогие темы, затем самые свежие ответы), в "
                            "файлах, которые прилагаются к отчёту: список для обратной связи (.followup.csv) и "
                            "рабочая книга (.xlsx, лист «followup»). Список содержит персональные данные и здесь не "
                            "показан.",
                      "pl": "Krytycy wśród analizowanych odpowiedzi: {n}. Wymieniono ich od najpilniejszych "
                            "(najniższa ocena, potem najkosztowniejsze tematy, potem najnowsze odpowiedzi) w plikach "
                            "dołączonych do raportu: liście do kontaktu (.followup.csv) i skoroszycie (.xlsx, arkusz "
                            "„followup”). Lista zawiera dane osobowe i nie jest tu pokazana."},
    "followup_no_id": {"en": "No column of respondent ids was found (parameter id_column): the list has none.",
                       "ru": "Столбец с идентификаторами респондентов не найден (параметр id_column): в списке его нет.",
                       "pl": "Nie znaleziono kolumny z identyfikatorami respondentów (parametr id_column): lista jej "
                             "nie zawiera."},
    "followup_none": {"en": "No detractors among the analysed answers: nobody to add to a follow-up list.",
                      "ru": "Среди проанализированных ответов нет детракторов: список для обратной связи пуст.",
                      "pl": "Wśród analizowanych odpowiedzi nie ma krytyków: lista do kontaktu jest pusta."},
}
# English writes "{n} {reason}", so one row of a kind takes the singular ("1 test response"); Russian and Polish
# write "{reason}: {n}", the same wording for any count
for _reason, _singular in {"preview": "survey preview", "test": "test response", "spam": "spam",
                           "partial": "partial (not submitted) response",
                           "duplicate": "earlier answer of a repeat respondent"}.items():
    TEXTS[f"reason_one_{_reason}"] = {**TEXTS[f"reason_{_reason}"], "en": _singular}
del _reason, _singular

HEADERS: dict[str, dict[str, str]] = {
    "owner": {"en": "owner", "ru": "ответственный", "pl": "właściciel"},
    "risk": {"en": "risk", "ru": "риск", "pl": "ryzyko"},
    "next_step": {"en": "suggested next step", "ru": "следующий шаг", "pl": "sugerowany krok"},
    "detractor_mention_share": {"en": "% of detractors mentioning", "ru": "% упомянувших детракторов",
                                "pl": "% wspominających krytyków"},
    "impact_previous": {"en": "impact before", "ru": "влияние раньше", "pl": "wpływ wcześniej"},
    "impact_change": {"en": "change in impact", "ru": "изменение влияния", "pl": "zmiana wpływu"},
    "quote": {"en": "quote", "ru": "цитата", "pl": "cytat"},
    "impact_interval": {"en": "impact, points (CI)", "ru": "влияние, п. (ДИ)", "pl": "wpływ, pkt (PU)"},
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


def _is_missing(value) -> bool:
    """None or NaN (a float, a NumPy float or a Decimal NaN)."""
    if value is None:
        return True
    try:
        return isinstance(value, (numbers.Real, decimal.Decimal)) and not isinstance(value, bool) \
            and math.isnan(value)
    except (TypeError, ValueError):
        return False


def _check_number(value, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, decimal.Decimal)):
        raise TypeError(f"{what}() needs a real number, got {value!r}")


def _check_decimals(decimals) -> int:
    if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral) or decimals < 0:
        raise ValueError(f"decimals must be a whole number 0 or more, got {decimals!r}")
    return int(decimals)


def _rounded(value, decimals: int) -> decimal.Decimal:
    """``abs(value)`` rounded to ``decimals`` as Python writes it (``f"{v:.1f}"``), as an exact Decimal.

    Integers stay exact; floats keep the digits of Python's correctly rounded
    formatting (so 0.15 is 0.1, the double nearest 0.15 being below it), the
    digits the package wrote before it wrote numbers through Babel.
    """
    if isinstance(value, numbers.Integral):
        return decimal.Decimal(abs(int(value)))
    if isinstance(value, decimal.Decimal):
        return decimal.Decimal(f"{abs(value):.{decimals}f}")
    return decimal.Decimal(f"{abs(float(value)):.{decimals}f}")


@functools.lru_cache(maxsize=None)
def _pattern(language: str, kind: str, decimals: int):
    """The Babel locale of a language and its decimal or percent pattern with exactly ``decimals`` decimals.

    The pattern is the locale's own (CLDR: its grouping, and where the percent
    sign goes and whether a space comes before it), its fraction part set to
    ``decimals`` zeros: ``#,##0.###`` -> ``#,##0.0``, ``#,##0\\xa0%`` ->
    ``#,##0.0\\xa0%`` in Russian. Babel is imported here, on first use.
    """
    from babel import Locale
    from babel.numbers import parse_pattern

    locale = Locale.parse(LOCALES[language])
    formats = locale.decimal_formats if kind == "decimal" else locale.percent_formats
    positive = formats[None].pattern.split(";")[0]
    fraction = "." + "0" * decimals if decimals else ""
    pattern, found = re.subn(r"([#0,]*0)(?:\.[0#]*)?", lambda m: m.group(1) + fraction, positive, count=1)
    if not found:  # pragma: no cover - every CLDR decimal and percent pattern has digits
        raise ValueError(f"no digits in the {kind} pattern {positive!r} of {LOCALES[language]}")
    return locale, parse_pattern(pattern)


def _write(magnitude: decimal.Decimal, language: str, kind: str, decimals: int) -> str:
    """A non-negative rounded number written by Babel in the language's pattern (groups per CLDR)."""
    locale, pattern = _pattern(language, kind, decimals)
    group = True
    if magnitude.is_finite():
        digits = len(str(int(magnitude)))
        group = digits >= pattern.grouping[0] + _MIN_GROUPING_DIGITS.get(language, 1)
    value = magnitude.scaleb(-2) if kind == "percent" else magnitude  # the percent pattern multiplies by 100
    return pattern.apply(value, locale, group_separator=group)


def _signed(body: str, negative: bool, zero: bool, sign: bool) -> str:
    if zero:
        return body
    if negative:
        return MINUS + body
    return ("+" + body) if sign else body


def rounds_to_zero(value, decimals: int = 1) -> bool:
    """True when ``value`` is written as zero with ``decimals`` decimals (NaN and None are not zero).

    Examples
    --------
    >>> rounds_to_zero(-0.04), rounds_to_zero(0.05), rounds_to_zero(0.4, decimals=0), rounds_to_zero(float("nan"))
    (True, False, True, False)
    """
    decimals = _check_decimals(decimals)
    if _is_missing(value):
        return False
    _check_number(value, "rounds_to_zero")
    return _rounded(value, decimals) == 0


def number(value, language: str = "en", *, decimals: int = 1, sign: bool = False) -> str:
    """A number as the language writes it (Babel, CLDR), with exactly ``decimals`` decimals.

    Decimal comma and no-break-space (U+00A0) groups in Russian and Polish
    (Polish groups from five digits up, as CLDR says), a true minus sign
    (U+2212) in every language. NaN (or None) gives an en dash. With
    ``sign``, positive numbers get a ``+``; a value that rounds to zero
    gets no sign. An integral value given as a float is written without
    decimals when ``decimals=0`` (``5.0`` -> ``'5'``).

    Examples
    --------
    >>> number(-12.345)
    '−12.3'
    >>> number(12.5, "ru", sign=True)
    '+12,5'
    >>> number(1234567, "en", decimals=0), number(1234567, "ru", decimals=0)
    ('1,234,567', '1\\xa0234\\xa0567')
    >>> number(1234.5, "pl"), number(12345.5, "pl")
    ('1234,5', '12\\xa0345,5')
    >>> number(102.0, decimals=0), number(-0.04)
    ('102', '0.0')
    >>> number(float("nan"))
    '–'
    """
    check_language(language)
    decimals = _check_decimals(decimals)
    if _is_missing(value):
        return MISSING
    _check_number(value, "number")
    magnitude = _rounded(value, decimals)
    return _signed(_write(magnitude, language, "decimal", decimals), value < 0, magnitude == 0, sign)


def percent(share, language: str = "en", *, decimals: int = 0, sign: bool = False) -> str:
    """A share (0..1) as a percentage as the language writes it (Babel, CLDR): "46%", in Russian "46 %".

    The percentage is ``100 * share`` rounded to ``decimals`` decimals; signs
    and missing values as in :func:`number`.

    Examples
    --------
    >>> percent(0.456), percent(0.456, "ru", decimals=1), percent(0.456, "pl", decimals=1)
    ('46%', '45,6\\xa0%', '45,6%')
    >>> percent(-0.05, sign=True), percent(None)
    ('−5%', '–')
    """
    check_language(language)
    decimals = _check_decimals(decimals)
    if _is_missing(share):
        return MISSING
    _check_number(share, "percent")
    pct = 100 * share if isinstance(share, decimal.Decimal) else 100.0 * float(share)
    magnitude = _rounded(pct, decimals)
    return _signed(_write(magnitude, language, "percent", decimals), pct < 0, magnitude == 0, sign)


def change(value, language: str = "en", *, decimals: int = 1, zero: str = "change_zero") -> str:
    """A change as a signed number (``+3.2``, ``−1.0``), or in words when it rounds to zero.

    ``zero`` is the :data:`TEXTS` entry for a change that is written as zero
    at ``decimals`` decimals: ``"change_zero"`` ("no change") or
    ``"difference_zero"`` ("no difference"). NaN gives an en dash.

    Examples
    --------
    >>> change(3.25), change(-0.04), change(0.02, "ru"), change(-0.01, "pl", zero="difference_zero")
    ('+3.2', 'no change', 'без изменений', 'brak różnicy')
    """
    if rounds_to_zero(value, decimals):
        return text(zero, language)
    return number(value, language, decimals=decimals, sign=True)


def confidence_level(level, language: str = "en") -> str:
    """A confidence level (0..1) as a percentage with the decimals it needs: "95%", "97.5%", in Russian "95 %".

    Examples
    --------
    >>> confidence_level(0.95), confidence_level(0.975, "pl"), confidence_level(0.9, "ru")
    ('95%', '97,5%', '90\\xa0%')
    """
    if _is_missing(level):
        return MISSING
    _check_number(level, "confidence_level")
    pct = 100.0 * float(level)
    decimals = next((d for d in range(3) if abs(pct - round(pct, d)) < 1e-9), 3)
    return percent(level, language, decimals=decimals)


# -- text from the data, made safe for where it is shown ------------------------------------------------------
#: Characters with a meaning in Markdown (and ``$`` for the maths of Jupyter's renderer; ``:`` and ``/`` so that no
#: address in a comment becomes a link), escaped by a backslash.
_MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|$~:/"

#: A run of white space other than the no-break spaces (U+00A0, U+2007, U+202F), folded into one space.
_FOLDED_SPACE = re.compile(r"[^\S\u00a0\u2007\u202f]+")


def escape_markdown(value) -> str:
    r"""``value`` as text that Markdown (and Jupyter's maths) shows as it is: HTML-escaped, specials backslashed.

    Survey data is written by the public: a brand, a segment, a comment or a
    title reaches a report only through this (or :func:`html.escape` in
    HTML). Line breaks and runs of white space become one space, so a value
    cannot open a block; no-break spaces (the group separator of a number
    written by :func:`number`, "95 %" in Russian) stay as they are.

    Examples
    --------
    >>> escape_markdown("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert\\(1\\)&gt;'
    >>> escape_markdown("Promo $\\badcmd$ [x](javascript:alert(1))")
    'Promo \\$\\\\badcmd\\$ \\[x\\]\\(javascript\\:alert\\(1\\)\\)'
    >>> escape_markdown(" a\n\n# b "), escape_markdown(number(2368, "ru", decimals=0))
    ('a \\# b', '2\xa0368')
    """
    import html

    text = _FOLDED_SPACE.sub(" ", str(value)).strip(" ")
    text = "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in text)
    return html.escape(text, quote=False)


def markdown_text(key: str, language: str = "en", **fmt) -> str:
    r""":func:`text` for a Markdown cell: the sentence as written, every value put into it escaped.

    Examples
    --------
    >>> markdown_text("within", "en", segment="<b>North</b>")
    'Within &lt;b&gt;North&lt;\\/b&gt;'
    """
    return text(key, language, **{k: escape_markdown(v) for k, v in fmt.items()})
