#!/usr/bin/env bash
# Used by .github/workflows/delivery.yml in each deploy job: copies every image archive the build job made
# (<service>.oci.tar, <service>.digest) to this environment's ECR repository with its digest unchanged, signs that
# digest with cosign keyless (the job's OIDC identity), and prints `digests=<service>=sha256:…,…` for
# `cdk deploy -c imageDigests=…`. Needs AWS credentials of the environment's deploy role, PROFILE, AWS_ACCOUNT_ID,
# AWS_REGION and GITHUB_SHA.
set -euo pipefail
registry="$AWS_ACCOUNT_ID.dkr.ecr.$AWS_REGION.amazonaws.com"
aws ecr get-login-password | skopeo login --username AWS --password-stdin "$registry" >&2
aws ecr get-login-password | docker login --username AWS --password-stdin "$registry" >&2
digests=""
for file in *.digest; do
  IFS='=' read -r service digest < "$file"
  # The Data stack names repositories <profile>-platform-data/<service>.
  image="$registry/$PROFILE-platform-data/$service"
  skopeo copy --preserve-digests "oci-archive:$service.oci.tar" "docker://$image:$GITHUB_SHA" >&2
  cosign sign --yes "$image@$digest" >&2
  digests="${digests:+$digests,}$service=$digest"
done
echo "digests=$digests"
