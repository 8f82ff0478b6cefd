# R's survey package on the complex-sample reference (see make_survey_reference.py, which runs this script).
#
#   Rscript tests/data/make_survey_reference.R tests/data/survey_reference
#
# Reads sample.csv and margins.csv from that folder and writes there:
#   versions.json    R's and the survey package's versions
#   estimates.csv    design, by, brand, wave, nps, se, deff: svymean(deff = "replace") (by = "") and
#                    svyby(..., svymean, deff = "replace", covmat = TRUE) per brand, wave and brand x wave
#   covariance.csv   design, by, row, col, cov: the covariance between the domain estimates, from
#                    svyratio(covmat = TRUE) on domain indicators (equal to svyby's covmat where survey 4.1.1's
#                    svyby can give one: see below)
#   contrasts.csv    design, by, contrast, estimate, se: svycontrast() on those estimates and covariance
#   degf.csv         design, degf: degrees of freedom (PSUs - strata)
#   weights.csv      id, raked, poststratified, calibrated: weights() of the raked, post-stratified and
#                    raking-calibrated designs
# NPS is the mean of y = +100 (score 9-10), 0 (7-8), -100 (0-6); missing answers are left out with na.rm = TRUE
# (domain estimation: their rows keep their PSUs).
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "fail")

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "tests/data/survey_reference"
sample <- read.csv(file.path(out, "sample.csv"), stringsAsFactors = FALSE)
margins <- read.csv(file.path(out, "margins.csv"), stringsAsFactors = FALSE)
sample$y <- ifelse(is.na(sample$score), NA, ifelse(sample$score >= 9, 100, ifelse(sample$score <= 6, -100, 0)))
sample$wave <- factor(sample$wave)
sample$brand <- factor(sample$brand)
sample$age <- factor(sample$age)
sample$gender <- factor(sample$gender)

pop_age <- data.frame(age = margins$level[margins$margin == "age"], Freq = margins$total[margins$margin == "age"])
pop_gender <- data.frame(gender = margins$level[margins$margin == "gender"],
                         Freq = margins$total[margins$margin == "gender"])

clustered <- svydesign(ids = ~store, strata = ~region, weights = ~weight, nest = TRUE, data = sample)
clustered_fpc <- svydesign(ids = ~store, strata = ~region, weights = ~weight, fpc = ~stores_total, nest = TRUE,
                           data = sample)
tight <- list(maxit = 500, epsilon = 1e-13)  # relative to the total weight: converged to rounding
calibration_totals <- c(`(Intercept)` = sum(pop_age$Freq), pop_age$Freq[-1], pop_gender$Freq[-1])
names(calibration_totals)[-1] <- c(paste0("age", pop_age$age[-1]), paste0("gender", pop_gender$gender[-1]))
designs <- list(
  clustered = clustered,
  clustered_fpc = clustered_fpc,
  clustered_fraction = svydesign(ids = ~store, strata = ~region, weights = ~weight, fpc = ~stores_fraction,
                                 nest = TRUE, data = sample),
  strata_only = svydesign(ids = ~1, strata = ~region, weights = ~weight, data = sample),
  rows = svydesign(ids = ~1, weights = ~weight, data = sample),
  unweighted = svydesign(ids = ~store, strata = ~region, nest = TRUE, data = sample,
                         weights = rep(1, nrow(sample))),
  poststratified = postStratify(clustered, ~age, pop_age),
  poststratified_fpc = postStratify(clustered_fpc, ~age, pop_age),
  raked = rake(clustered, list(~age, ~gender), list(pop_age, pop_gender), control = tight),
  raked_one_margin = rake(clustered, list(~age), list(pop_age), control = tight),
  raked_fpc = rake(clustered_fpc, list(~age, ~gender), list(pop_age, pop_gender), control = tight),
  calibrated = calibrate(clustered, ~age + gender, population = calibration_totals, calfun = "raking",
                         epsilon = 1e-13, maxit = 500)
)

groupings <- list(brand = ~brand, wave = ~wave, `brand+wave` = ~brand + wave)
estimates <- list()
covariances <- list()
contrasts <- list()
degf_rows <- list()

domain_stat <- function(design, by_vars) {
  # every domain's NPS and their full covariance, from svyratio on domain indicator columns
  vars <- design$variables
  key <- interaction(vars[by_vars], drop = TRUE, lex.order = FALSE)
  levels_ <- levels(key)
  answered <- !is.na(vars$y)
  num <- sapply(levels_, function(l) ifelse(answered & key == l, vars$y, 0))
  den <- sapply(levels_, function(l) as.numeric(answered & key == l))
  colnames(num) <- paste0("y.", levels_)
  colnames(den) <- levels_
  r <- svyratio(as.data.frame(num), as.data.frame(den), design, covmat = TRUE)
  k <- length(levels_)
  keep <- which(rep(1:k, k) == rep(1:k, each = k))
  theta <- diag(r$ratio)
  names(theta) <- levels_
  v <- r$vcov[keep, keep]
  dimnames(v) <- list(levels_, levels_)
  structure(theta, var = v, statistic = "nps", class = "svystat")
}

cross_check <- 0
for (name in names(designs)) {
  d <- designs[[name]]
  degf_rows[[name]] <- data.frame(design = name, degf = degf(d))
  m <- svymean(~y, d, na.rm = TRUE, deff = "replace")
  estimates[[paste(name, "all")]] <- data.frame(design = name, by = "", brand = NA, wave = NA,
                                                nps = unname(coef(m)), se = unname(SE(m)),
                                                deff = unname(deff(m)))
  # svyby(covmat = TRUE) maps each domain's influence values back to the rows of the design it is given. In
  # survey 4.1.1 that fails when na.rm drops rows inside a domain and for every calibrated design (their
  # subsets keep all rows), so the covariance is taken from svyratio(covmat = TRUE) on domain indicators
  # (domain_stat), and checked against svyby(covmat = TRUE) on the answered rows where svyby can give it (a
  # subset of an uncalibrated design keeps every stratum's number of PSUs: the same domain estimation)
  calibrated <- !is.null(d$postStrata)
  for (g in names(groupings)) {
    b <- svyby(~y, groupings[[g]], d, svymean, na.rm = TRUE, deff = "replace")
    estimates[[paste(name, g)]] <- data.frame(design = name, by = g,
                                              brand = if ("brand" %in% names(b)) as.character(b$brand) else NA,
                                              wave = if ("wave" %in% names(b)) as.character(b$wave) else NA,
                                              nps = b$y, se = b$se, deff = b$DEff.y)
    s <- domain_stat(d, all.vars(groupings[[g]]))
    v <- attr(s, "var")
    covariances[[paste(name, g)]] <- data.frame(design = name, by = g, row = rep(rownames(v), ncol(v)),
                                                col = rep(colnames(v), each = nrow(v)), cov = as.vector(v))
    checked <- max(abs(sqrt(diag(v))[rownames(b)] - b$se), abs(s[rownames(b)] - b$y))
    if (!calibrated) {
      bc <- svyby(~y, groupings[[g]], subset(d, !is.na(y)), svymean, covmat = TRUE)
      checked <- max(checked, abs(vcov(bc) - v[rownames(bc), rownames(bc)]))
    }
    cross_check <- max(cross_check, checked)
    wanted <- switch(g,
      brand = list(`Aurora - Corona` = c(Aurora = 1, Corona = -1)),
      wave = list(`wave 2 - wave 1` = c(`1` = -1, `2` = 1)),
      `brand+wave` = list(`Aurora - Borealis, wave 2` = c(Aurora.2 = 1, Borealis.2 = -1),
                          `Aurora, wave 2 - wave 1` = c(Aurora.1 = -1, Aurora.2 = 1)))
    for (cname in names(wanted)) {
      w <- wanted[[cname]]
      full <- setNames(rep(0, length(s)), names(s))
      full[names(w)] <- w
      cb <- svycontrast(s, full)
      contrasts[[paste(name, cname)]] <- data.frame(design = name, by = g, contrast = cname,
                                                    estimate = unname(coef(cb)), se = unname(SE(cb)))
    }
  }
}
cat("svyby and svyratio agree to", cross_check, "\n")
stopifnot(cross_check < 1e-9)

write_csv <- function(x, file) {
  x <- do.call(rbind, x)
  rownames(x) <- NULL
  numeric <- vapply(x, is.numeric, logical(1))
  x[numeric] <- lapply(x[numeric], function(v) ifelse(is.na(v), NA, sprintf("%.17g", v)))
  write.csv(x, file.path(out, file), row.names = FALSE, na = "", quote = TRUE)
}
write_csv(estimates, "estimates.csv")
write_csv(covariances, "covariance.csv")
write_csv(contrasts, "contrasts.csv")
write_csv(degf_rows, "degf.csv")
write_csv(list(data.frame(id = sample$id, raked = weights(designs$raked),
                          poststratified = weights(designs$poststratified),
                          calibrated = weights(designs$calibrated))), "weights.csv")
writeLines(sprintf('{\n  "R": "%s",\n  "survey": "%s",\n  "lonely_psu": "%s"\n}', R.version.string,
                   as.character(packageVersion("survey")), getOption("survey.lonely.psu")),
           file.path(out, "versions.json"))
cat("wrote", out, "\n")
