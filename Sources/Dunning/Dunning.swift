/// Namespace of the Dunning stage; see README.md for what it will own.
package enum DunningStage {}
